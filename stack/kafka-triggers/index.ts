/** The Kafka trigger emulation: Lambda's Kafka event-source mapping, run locally. */
export { type BatchOutcome, batchOutcome, type DeliveredBatch } from './batch-response';
export { BatchingWindow } from './batching-window';
export { lambdaContext } from './context';
export { buildTriggerDefinitions, type ServiceConfig } from './definitions';
export { HandlerTimeoutError, InvalidTriggerError } from './errors';
export { lambdaEvent, lambdaRecord, topicPartition } from './event';
export { type DeliveryReport, EventSourceMapping, type MappingOptions } from './mapping';
export { OffsetCommitter, type PartitionOffset } from './offset-committer';
export { failureHeaders } from './on-failure';
export type {
  KafkaHandler,
  KafkaLambdaEvent,
  KafkaLambdaRecord,
  StartingPosition,
  TriggerDefinition,
} from './types';
