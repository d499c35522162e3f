/**
 * The envelope of every domain event on Kafka: JSON with an id, a type, the time, a schema version
 * and the key of the entity it concerns. Records are keyed by that entity so its events stay in
 * order on one partition. What `data` holds per type and version is in shared/events.
 */
import { randomUUID } from 'node:crypto';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { z } from 'zod';
import { type EventTopicKey, requireValidEvent } from '../events';
import { topicDefinitions, topicName } from '../infra';
import { kafkaProducer } from './client';

export const domainEventSchema = z.object({
  id: z.uuid().describe('Unique per event; a copy sent again has the same id, and consumers count it once'),
  type: z.string().min(1).max(100).describe('The event type, e.g. "OrderPlaced"'),
  time: z.iso.datetime({ offset: true }).describe('When it happened'),
  schemaVersion: z.int().positive().describe('The version of the schema of `data` for this type'),
  source: z.string().min(1).max(100).describe('The part of the product that sent it'),
  key: z.string().min(1).max(200).describe("The entity it concerns, also the record's key"),
  data: z.record(z.string(), z.unknown()).describe('What happened: per topic, type and version below'),
});

export type DomainEvent = z.infer<typeof domainEventSchema>;

export interface NewEvent {
  type: string;
  source: string;
  key: string;
  data: Record<string, unknown>;
  schemaVersion?: number;
}

/** A complete event with a fresh id and the current time. */
export function domainEvent(event: NewEvent, now: Date = new Date()): DomainEvent {
  return {
    id: randomUUID(),
    type: event.type,
    time: now.toISOString(),
    schemaVersion: event.schemaVersion ?? 1,
    source: event.source,
    key: event.key,
    data: event.data,
  };
}

/**
 * Publishes events to the topic of shared/infra with that key, each keyed by its entity. An event
 * the topic's schemas refuse throws InvalidEventError and nothing of the batch is sent.
 */
export async function publishEvents(topicKey: EventTopicKey, events: readonly DomainEvent[]): Promise<void> {
  for (const event of events) requireValidEvent(topicKey, event);
  const producer = await kafkaProducer();
  const topic = topicName(topicKey);
  const partitionMetadata = topicPartitions(topicKey);
  const byPartition = new Map<number, DomainEvent[]>();
  for (const event of events) {
    const partition = partitionOf({ topic, partitionMetadata, message: { key: event.key, value: null } });
    const batch = byPartition.get(partition);
    if (batch) batch.push(event);
    else byPartition.set(partition, [event]);
  }
  // One send per partition. kafkajs 2.2.4 retries a send that spans several leaders by sending
  // only to the brokers that have not answered yet: when a broker died and its partitions moved to
  // one that had answered for others, their records are never sent and the send still resolves.
  // A send to one partition retries against its new leader.
  await Promise.all(
    [...byPartition].map(([partition, batch]) =>
      producer.send({
        topic,
        acks: -1,
        messages: batch.map((event) => ({
          partition,
          key: event.key,
          value: JSON.stringify(event),
          headers: { 'event-type': event.type, 'schema-version': String(event.schemaVersion) },
        })),
      }),
    ),
  );
}

/** The partitioner kafkajs would use: records of one key go where any other producer puts them. */
const partitionOf = Partitioners.DefaultPartitioner();

/** The topic's partitions as the partitioner needs them: it only counts them. */
function topicPartitions(topicKey: EventTopicKey): PartitionMetadata[] {
  const count = topicDefinitions.find((topic) => topic.key === topicKey)?.partitions ?? 1;
  return Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: -1,
    replicas: [],
    isr: [],
    partitionErrorCode: 0,
  }));
}
