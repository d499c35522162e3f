/**
 * Idempotency keys of order requests: the first request with a key claims it (a conditional put),
 * with a hash of its body and the order id it will use; a retry finds the claim and answers that
 * order instead of placing another. Claims expire after a day (the table's TTL).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, tableName } from './client';

export interface IdempotencyClaim {
  orderId: string;
  requestHash: string;
  claimedAt: string;
}

const keepSeconds = 24 * 60 * 60;
const claimKey = (memberId: string, key: string) => ({ pk: `ORDER-REQUEST#${memberId}#${key}`, sk: 'CLAIM' });

/** Claims the key for this request; answers the earlier claim instead if the key was used. */
export async function claimIdempotencyKey(
  memberId: string,
  key: string,
  claim: IdempotencyClaim,
): Promise<IdempotencyClaim | undefined> {
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: tableName('idempotency'),
        Item: {
          ...claimKey(memberId, key),
          ...claim,
          expiration: Math.floor(Date.parse(claim.claimedAt) / 1000) + keepSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return undefined;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const { Item } = await dynamoClient().send(
    new GetCommand({
      TableName: tableName('idempotency'),
      Key: claimKey(memberId, key),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error('idempotency claim vanished');
  return {
    orderId: String(Item.orderId),
    requestHash: String(Item.requestHash),
    claimedAt: String(Item.claimedAt),
  };
}

/** The claim of a key, if a request made one. */
export async function findIdempotencyClaim(
  memberId: string,
  key: string,
): Promise<IdempotencyClaim | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({
      TableName: tableName('idempotency'),
      Key: claimKey(memberId, key),
      ConsistentRead: true,
    }),
  );
  return Item
    ? {
        orderId: String(Item.orderId),
        requestHash: String(Item.requestHash),
        claimedAt: String(Item.claimedAt),
      }
    : undefined;
}
