/**
 * Creates every table and topic of shared/infra/resources.json on the local stack, idempotently:
 * what exists is left as it is.
 */
import { CreateTableCommand, ListTablesCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { type TopicDefinition, topicDefinitions } from '../shared/infra';
import { tableResources } from '../shared/infra/serverless';
import { localDynamoClient } from './components/dynamodb';
import { kafkaBrokerList, type StackProfile } from './profiles';

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

/**
 * Creates the tables of the definition that do not exist yet, exactly as serverless.yml's
 * CloudFormation resources declare them; returns the names it created.
 */
export async function createTables(profile: StackProfile): Promise<string[]> {
  const existing = await existingTables(profile);
  const client = localDynamoClient(profile);
  const created: string[] = [];
  try {
    for (const { Properties } of Object.values(tableResources(profile.stage))) {
      // Point-in-time recovery is a CloudFormation-only setting; TTL is set after creation.
      const { TimeToLiveSpecification, PointInTimeRecoverySpecification: _, ...table } = Properties;
      if (existing.has(table.TableName)) continue;
      await client.send(new CreateTableCommand(table));
      if (TimeToLiveSpecification) {
        await client.send(
          new UpdateTimeToLiveCommand({ TableName: table.TableName, TimeToLiveSpecification }),
        );
      }
      created.push(table.TableName);
    }
  } finally {
    client.destroy();
  }
  return created;
}

/**
 * The replicas a topic gets on the profile's brokers: the definition's, or one per broker when
 * there are fewer (a single-broker stack keeps one replica, with one in sync required).
 */
export function topicReplication(topic: TopicDefinition, brokers: number) {
  const replicationFactor = Math.min(topic.replicationFactor, brokers);
  return { replicationFactor, minInSyncReplicas: Math.min(topic.minInSyncReplicas, replicationFactor) };
}

/** Creates the topics of the definition that do not exist yet; returns the names it created. */
export async function createTopics(profile: StackProfile): Promise<string[]> {
  const brokers = kafkaBrokerList(profile);
  const admin = new Kafka({
    clientId: 'peakcart-stack',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicDefinitions.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => {
          const { replicationFactor, minInSyncReplicas } = topicReplication(topic, brokers.length);
          return {
            topic: topic.name,
            numPartitions: topic.partitions,
            replicationFactor,
            configEntries: [{ name: 'min.insync.replicas', value: String(minInSyncReplicas) }],
          };
        }),
      });
    }
    return missing.map((topic) => topic.name);
  } finally {
    await admin.disconnect();
  }
}
