/**
 * The one definition of every name shared between code and infrastructure: tables, topics and
 * environment keys. serverless.yml, the local stack and the LocalStack init hook read the same JSON.
 */
import resources from './resources.json';

export type TableName = string;
export type EnvKey = keyof typeof resources.environment;

export interface TableDefinition {
  name: string;
  ttlAttribute: string | null;
  indexes: string[];
}

export interface TopicDefinition {
  key: string;
  name: string;
  partitions: number;
  /**
   * Replicas of each partition on a deployed stage's brokers, and how many must have a write before
   * it is acknowledged (producers send with acks=all): a broker may be down without losing writes
   * or refusing them. A local stack with fewer brokers keeps one replica per broker at most.
   */
  replicationFactor: number;
  minInSyncReplicas: number;
}

export const serviceName: string = resources.service;
export const tableDefinitions: readonly TableDefinition[] = resources.tables;
export const topicDefinitions: readonly TopicDefinition[] = resources.topics;
export const environmentKeys = Object.keys(resources.environment) as EnvKey[];

/** Physical table name for a stage, e.g. `peakcart-dev-orders`. */
export function physicalTableName(prefix: string, table: TableName): string {
  return `${prefix}-${table}`;
}

/** Default table prefix for a stage: `<service>-<stage>`. */
export function tablePrefixFor(stage: string): string {
  return `${serviceName}-${stage}`;
}

/** Topic names by their key in the definition, e.g. `topics.orderEvents`. */
export const topics: Readonly<Record<string, string>> = Object.fromEntries(
  resources.topics.map((topic) => [topic.key, topic.name]),
);

/** The topic name for a key of the definition; throws on a key that is not defined. */
export function topicName(key: string): string {
  const name = topics[key];
  if (name === undefined) throw new Error(`Unknown topic key "${key}" (see shared/infra/resources.json)`);
  return name;
}

/** What each environment key means, for error messages and docs. */
export const environmentDescriptions: Readonly<Record<EnvKey, string>> = resources.environment;
