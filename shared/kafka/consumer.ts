/**
 * The one shape of every Kafka-triggered function: it handles one domain event at a time and the
 * wrapper answers Lambda with a partial batch response.
 *
 * A record that is not an event of its topic (not UTF-8 JSON, not the envelope, an unknown type or
 * schema version, data its schema refuses) is poison: no retry can make it readable, so it is set
 * aside on the on-failure topic with the reason and the next records go on. A record whose handling
 * fails is reported by topic-partition and offset; the records after it on the same partition are
 * left for the redelivery that starts at the failed one, so a partition's events are always handled
 * in order.
 */
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import type { ConsumerRecord } from '@aws-lambda-powertools/kafka/types';
import type { Context } from 'aws-lambda';
import { checkEvent, type EventCheck, type EventTopicKey, topicKeyOf } from '../events';
import type { DomainEvent } from '../events/envelope';
import { logger } from '../logger';
import { sendToFailureTopic, type UndeliverableRecord } from './failure-topic';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: number;
}

export interface BatchItemFailure {
  itemIdentifier: { 'topic-partition': string; offset: number };
}

export type DomainEventHandler = (event: DomainEvent, position: RecordPosition) => Promise<void>;

export interface DomainEventConsumerOptions {
  /** Which topic's events a topic name carries; shared/infra's names by default. */
  topicKeyOf?: (topicName: string) => EventTopicKey | undefined;
}

export type DeliveredRecord = ConsumerRecord<unknown, unknown>;
/** What readEvent and undeliverable need of a record: where it sits and its encoded parts. */
export type RawRecord = Pick<
  DeliveredRecord,
  'topic' | 'partition' | 'offset' | 'originalKey' | 'originalValue' | 'originalHeaders'
>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The undecoded record, as Lambda delivered it. */
export function undeliverable(record: RawRecord): UndeliverableRecord {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.originalKey ?? null,
    value: record.originalValue ?? null,
    headers: record.originalHeaders,
  };
}

/**
 * The record's event, or why it is not one. The value is decoded here rather than by Powertools,
 * whose JSON deserializer hands invalid JSON over as text and so hides why a record is unreadable.
 */
export function readEvent(record: RawRecord, topicKey: EventTopicKey | undefined): EventCheck {
  if (!topicKey) return { ok: false, reason: `topic ${record.topic} carries no known domain events` };
  const { originalValue } = record;
  if (typeof originalValue !== 'string') return { ok: false, reason: 'the record has no value (tombstone)' };
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(Buffer.from(originalValue, 'base64')));
  } catch (error) {
    return { ok: false, reason: `not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  return checkEvent(topicKey, value);
}

/** A Lambda handler for Kafka events whose values are domain events (shared/events). */
export function domainEventConsumer(handle: DomainEventHandler, options: DomainEventConsumerOptions = {}) {
  const topicKeyFor = options.topicKeyOf ?? topicKeyOf;
  return kafkaConsumer<unknown, unknown>(async (event, context: Context) => {
    logger.addContext(context);
    const batchItemFailures: BatchItemFailure[] = [];
    const failedPartitions = new Set<string>();
    const fail = (partitionKey: string, offset: number) => {
      failedPartitions.add(partitionKey);
      batchItemFailures.push({ itemIdentifier: { 'topic-partition': partitionKey, offset } });
    };
    for (const record of event.records) {
      const partitionKey = `${record.topic}-${record.partition}`;
      if (failedPartitions.has(partitionKey)) continue;
      const position = { topic: record.topic, partition: record.partition, offset: record.offset };
      const check = readEvent(record, topicKeyFor(record.topic));
      if (!check.ok) {
        try {
          await sendToFailureTopic(undeliverable(record), check.reason, context.functionName);
          logger.warn('unreadable record set aside on the on-failure topic', {
            ...position,
            reason: check.reason,
          });
        } catch (error) {
          // Not set aside: retried from here like a record whose handling failed, so nothing is lost.
          logger.error('unreadable record not set aside', {
            ...position,
            reason: check.reason,
            error: error instanceof Error ? error : String(error),
          });
          fail(partitionKey, record.offset);
        }
        continue;
      }
      try {
        await handle(check.event, position);
      } catch (error) {
        logger.error('event not handled', {
          ...position,
          error: error instanceof Error ? error : String(error),
        });
        fail(partitionKey, record.offset);
      }
    }
    return { batchItemFailures };
  });
}
