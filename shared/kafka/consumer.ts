/**
 * The one shape of every Kafka-triggered function: it handles one domain event at a time and the
 * wrapper answers Lambda with a partial batch response. A record that fails (bad JSON, an event
 * that does not match the envelope, an error while handling it) is reported by topic-partition and
 * offset; the records after it on the same partition are left for the redelivery that starts at
 * the failed one, so a partition's events are always handled in order.
 */
import { kafkaConsumer, SchemaType } from '@aws-lambda-powertools/kafka';
import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import { type DomainEvent, domainEventSchema } from './events';

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: number;
}

export interface BatchItemFailure {
  itemIdentifier: { 'topic-partition': string; offset: number };
}

export type DomainEventHandler = (event: DomainEvent, position: RecordPosition) => Promise<void>;

/** A Lambda handler for Kafka events whose values are domain events (shared/kafka/events.ts). */
export function domainEventConsumer(handle: DomainEventHandler) {
  return kafkaConsumer<unknown, DomainEvent>(
    async (event, context: Context) => {
      logger.addContext(context);
      const batchItemFailures: BatchItemFailure[] = [];
      const failedPartitions = new Set<string>();
      for (const record of event.records) {
        const partitionKey = `${record.topic}-${record.partition}`;
        if (failedPartitions.has(partitionKey)) continue;
        const position = { topic: record.topic, partition: record.partition, offset: record.offset };
        try {
          await handle(record.value, position);
        } catch (error) {
          logger.error('event not handled', {
            ...position,
            error: error instanceof Error ? error : String(error),
          });
          failedPartitions.add(partitionKey);
          batchItemFailures.push({
            itemIdentifier: { 'topic-partition': partitionKey, offset: record.offset },
          });
        }
      }
      return { batchItemFailures };
    },
    { value: { type: SchemaType.JSON, parserSchema: domainEventSchema } },
  );
}
