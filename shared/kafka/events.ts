/**
 * The producer of domain events: each event (shared/events/envelope.ts) as one JSON record keyed
 * by the entity it concerns, so the entity's events stay in order on one partition.
 */
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { type EventTopicKey, requireValidEvent } from '../events';
import type { DomainEvent } from '../events/envelope';
import { topicDefinitions, topicName } from '../infra';
import { kafkaProducer } from './client';

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
