/** Kafka messages as Lambda shows them to a function. */
import type { KafkaMessage } from 'kafkajs';
import type { KafkaLambdaEvent, KafkaLambdaRecord, TriggerDefinition } from './types';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/**
 * One `{name: bytes}` entry per header value, as Lambda lists them. kafkajs gathers repeated
 * names into an array, so repeated values stay in order but follow their first occurrence.
 */
function headerEntries(name: string, value: HeaderValue): Array<Record<string, number[]>> {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((entry) => ({ [name]: [...Buffer.from(entry)] }));
}

/** The Lambda record of a message: key and value in base64, headers as byte arrays. */
export function lambdaRecord(topic: string, partition: number, message: KafkaMessage): KafkaLambdaRecord {
  const record: KafkaLambdaRecord = {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    // kafkajs does not expose a batch's timestamp type; topics keep Kafka's default, CreateTime.
    timestampType: 'CREATE_TIME',
    value: message.value === null ? null : message.value.toString('base64'),
    headers: Object.entries(message.headers ?? {}).flatMap(([name, value]) => headerEntries(name, value)),
  };
  if (message.key !== null && message.key !== undefined) record.key = message.key.toString('base64');
  return record;
}

/** `<topic>-<partition>`, the key Lambda groups records under and partial responses name. */
export function topicPartition(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The event of one invocation, for records of one topic-partition. */
export function lambdaEvent(
  definition: TriggerDefinition,
  partition: number,
  records: KafkaLambdaRecord[],
): KafkaLambdaEvent {
  return {
    eventSource: definition.eventSource,
    ...(definition.eventSourceArn ? { eventSourceArn: definition.eventSourceArn } : {}),
    bootstrapServers: definition.bootstrapServers.join(','),
    records: { [topicPartition(definition.topic, partition)]: records },
  };
}
