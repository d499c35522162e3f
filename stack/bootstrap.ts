/**
 * Creates every table and topic of shared/infra/resources.json on the local stack, idempotently:
 * what exists is left as it is.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type GlobalSecondaryIndex,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import {
  keyAttributes,
  physicalTableName,
  tableDefinitions,
  tablePrefixFor,
  topicDefinitions,
} from '../shared/infra';
import { localDynamoClient } from './components/dynamodb';
import type { StackProfile } from './profiles';

const gsi1 = { partition: 'gsi1pk', sort: 'gsi1sk' } as const;

async function existingTables(profile: StackProfile): Promise<Set<string>> {
  const client = localDynamoClient(profile);
  const names = new Set<string>();
  try {
    let start: string | undefined;
    do {
      const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      for (const name of page.TableNames ?? []) names.add(name);
      start = page.LastEvaluatedTableName;
    } while (start);
  } finally {
    client.destroy();
  }
  return names;
}

/** Creates the tables of the definition that do not exist yet; returns the names it created. */
export async function createTables(profile: StackProfile): Promise<string[]> {
  const existing = await existingTables(profile);
  const client = localDynamoClient(profile);
  const created: string[] = [];
  try {
    for (const table of tableDefinitions) {
      const name = physicalTableName(tablePrefixFor(profile.stage), table.name);
      if (existing.has(name)) continue;
      const hasGsi1 = table.indexes.includes('gsi1');
      const keyNames: string[] = [keyAttributes.partition, keyAttributes.sort];
      if (hasGsi1) keyNames.push(gsi1.partition, gsi1.sort);
      const attributes: AttributeDefinition[] = keyNames.map((attribute) => ({
        AttributeName: attribute,
        AttributeType: 'S',
      }));
      const indexes: GlobalSecondaryIndex[] = hasGsi1
        ? [
            {
              IndexName: 'gsi1',
              KeySchema: [
                { AttributeName: gsi1.partition, KeyType: 'HASH' },
                { AttributeName: gsi1.sort, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ]
        : [];
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributes,
          KeySchema: [
            { AttributeName: keyAttributes.partition, KeyType: 'HASH' },
            { AttributeName: keyAttributes.sort, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: indexes.length > 0 ? indexes : undefined,
        }),
      );
      if (table.ttlAttribute) {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }),
        );
      }
      created.push(name);
    }
  } finally {
    client.destroy();
  }
  return created;
}

/** Creates the topics of the definition that do not exist yet; returns the names it created. */
export async function createTopics(profile: StackProfile): Promise<string[]> {
  const admin = new Kafka({
    clientId: 'peakcart-stack',
    brokers: [`${profile.host}:${profile.kafkaPort}`],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicDefinitions.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: 1,
        })),
      });
    }
    return missing.map((topic) => topic.name);
  } finally {
    await admin.disconnect();
  }
}
