/**
 * DynamoDB through the document client. One client per Lambda container; DYNAMODB_ENDPOINT points
 * it at DynamoDB Local offline and is empty on AWS, where the regional endpoint is used.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { optionalEnv, requireEnv } from '../config/env';
import { physicalTableName, type TableName } from '../infra';

let documentClient: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBDocumentClient {
  const endpoint = optionalEnv('DYNAMODB_ENDPOINT');
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: requireEnv('AWS_REGION'),
      // DynamoDB Local accepts any credentials; on AWS the function's role provides real ones.
      ...(endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return documentClient;
}

/** The physical name of a table of shared/infra for this deployment, e.g. `peakcart-dev-history`. */
export function tableName(table: TableName): string {
  return physicalTableName(requireEnv('TABLE_PREFIX'), table);
}

/** host:port of the DynamoDB endpoint in use. */
export function dynamoEndpoint(): string {
  const endpoint = optionalEnv('DYNAMODB_ENDPOINT');
  if (!endpoint) return `dynamodb.${requireEnv('AWS_REGION')}.amazonaws.com:443`;
  const url = new URL(endpoint);
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** One cheap authenticated request, to prove the endpoint answers. */
export async function pingDynamo(abortSignal?: AbortSignal): Promise<void> {
  await dynamoClient().send(new ListTablesCommand({ Limit: 1 }), { abortSignal });
}

/** Closes the client's connections (tests and scripts; a Lambda container keeps them). */
export function closeDynamo(): void {
  documentClient?.destroy();
  documentClient = undefined;
}

/**
 * Puts `item` (holding its key) only if the stored item's `version` is still `previousVersion`, or
 * only if none is stored when it is undefined: optimistic concurrency for stores that replace a
 * whole versioned item. A failed condition throws what `conflict` makes.
 */
export async function putIfVersion(
  table: TableName,
  item: Record<string, unknown>,
  previousVersion: number | undefined,
  conflict: () => Error,
): Promise<void> {
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: tableName(table),
        Item: item,
        ...(previousVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :previous',
              ExpressionAttributeValues: { ':previous': previousVersion },
            }),
      }),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') throw conflict();
    throw error;
  }
}
