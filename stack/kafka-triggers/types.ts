/** Types of the Kafka trigger emulation: the mapping's settings and the shapes Lambda uses. */
import type { Context } from 'aws-lambda';

export type StartingPosition = 'LATEST' | 'TRIM_HORIZON' | 'AT_TIMESTAMP';

/** One event-source mapping: a function subscribed to one topic, with AWS's settings. */
export interface TriggerDefinition {
  /** Function key in serverless.yml, e.g. `history-record`. */
  functionKey: string;
  /** Deployed function name, e.g. `peakcart-dev-history-record`. */
  functionName: string;
  /** `functions/history/record.handler`: module path from the repository root, then the export. */
  handler: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  eventSource: 'SelfManagedKafka' | 'aws:kafka';
  eventSourceArn?: string;
  bootstrapServers: string[];
  topic: string;
  consumerGroupId: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  startingPosition: StartingPosition;
  /** Epoch seconds, for AT_TIMESTAMP. */
  startingPositionTimestamp?: number;
  /** -1 retries until the handler succeeds. */
  maximumRetryAttempts: number;
  reportBatchItemFailures: boolean;
  onFailureTopic?: string;
}

/** A record as Lambda hands it to a Kafka-triggered function. */
export interface KafkaLambdaRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  /** Base64 of the key bytes; absent for a record without key. */
  key?: string;
  /** Base64 of the value bytes; null for a tombstone. */
  value: string | null;
  headers: Array<Record<string, number[]>>;
}

/** The event of one invocation: records grouped under `<topic>-<partition>`. */
export interface KafkaLambdaEvent {
  eventSource: 'SelfManagedKafka' | 'aws:kafka';
  eventSourceArn?: string;
  bootstrapServers: string;
  records: Record<string, KafkaLambdaRecord[]>;
}

export type KafkaHandler = (event: KafkaLambdaEvent, context: Context) => Promise<unknown>;
