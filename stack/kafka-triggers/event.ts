/** Kafka messages as Lambda shows them to a function. */
import type { KafkaMessage } from 'kafkajs';
import type { KafkaLambdaEvent, KafkaLambdaRecord, TriggerDefinition } from './types';

function headerBytes(value: Buffer | string | (Buffer | string)[] | undefined): number[] {
  if (value === undefined) return [];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? [] : [...Buffer.from(first)];
}

/** The Lambda record of a message: key and value in base64, headers as byte arrays. */
export function lambdaRecord(topic: string, partition: number, message: KafkaMessage): KafkaLambdaRecord {
  const record: KafkaLambdaRecord = {
    topic,
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    timestampType: 'CREATE_TIME',
    value: message.value === null ? null : message.value.toString('base64'),
    headers: Object.entries(message.headers ?? {}).map(([name, value]) => ({ [name]: headerBytes(value) })),
  };
  if (message.key !== null && message.key !== undefined) record.key = message.key.toString('base64');
  return record;
}

/** The event of one invocation for records of one topic-partition. */
export function lambdaEvent(definition: TriggerDefinition, records: KafkaLambdaRecord[]): KafkaLambdaEvent {
  const first = records[0];
  const key = first ? `${first.topic}-${first.partition}` : `${definition.topic}-0`;
  return {
    eventSource: definition.eventSource,
    ...(definition.eventSourceArn ? { eventSourceArn: definition.eventSourceArn } : {}),
    bootstrapServers: definition.bootstrapServers.join(','),
    records: { [key]: records },
  };
}
