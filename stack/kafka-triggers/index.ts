/** The Kafka trigger emulation: Lambda's Kafka event-source mapping, run locally. */
export { batchOutcome } from './batch-response';
export { buildTriggerDefinitions, type ServiceConfig } from './definitions';
export { HandlerTimeoutError, InvalidTriggerError } from './errors';
export { lambdaEvent, lambdaRecord } from './event';
export { type DeliveryReport, EventSourceMapping, type MappingOptions } from './mapping';
export { failureHeaders } from './on-failure';
export type { KafkaHandler, KafkaLambdaEvent, KafkaLambdaRecord, TriggerDefinition } from './types';
