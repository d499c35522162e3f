/**
 * The producer of domain events: each event (shared/events/envelope.ts) as one JSON record keyed
 * by the entity it concerns, so the entity's events stay in order on one partition.
 */
import { KafkaJSProtocolError, Partitioners, type PartitionMetadata } from 'kafkajs';
import { type EventTopicKey, requireValidEvent } from '../events';
import type { DomainEvent } from '../events/envelope';
import { topicDefinitions, topicName } from '../infra';
import { kafkaProducer } from './client';

/** What became of each event of a publish: acknowledged by Kafka, or not, and why. */
export interface PublishOutcome {
  sent: DomainEvent[];
  failed: { event: DomainEvent; error: Error; refused: boolean }[];
}

/**
 * Errors in which the broker refuses a record for what it is (too large, malformed): sending it
 * again never helps. Anything else (no broker, timeouts, leadership moving) may pass later.
 */
const recordRefusals = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

function refusesRecord(error: unknown): boolean {
  // kafkajs wraps an error it does not retry in one of its own, with the broker's as the cause.
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof KafkaJSProtocolError && recordRefusals.has(cause.type)) return true;
  }
  return false;
}

/** The events grouped by the partition the default partitioner puts their key on. */
function byPartition(topicKey: EventTopicKey, events: readonly DomainEvent[]): Map<number, DomainEvent[]> {
  const topic = topicName(topicKey);
  const partitionMetadata = topicPartitions(topicKey);
  const batches = new Map<number, DomainEvent[]>();
  for (const event of events) {
    const partition = partitionOf({ topic, partitionMetadata, message: { key: event.key, value: null } });
    const batch = batches.get(partition);
    if (batch) batch.push(event);
    else batches.set(partition, [event]);
  }
  return batches;
}

async function sendBatch(topicKey: EventTopicKey, partition: number, batch: readonly DomainEvent[]) {
  const producer = await kafkaProducer();
  await producer.send({
    topic: topicName(topicKey),
    acks: -1,
    messages: batch.map((event) => ({
      partition,
      key: event.key,
      value: JSON.stringify(event),
      headers: { 'event-type': event.type, 'schema-version': String(event.schemaVersion) },
    })),
  });
}

/**
 * Publishes events to the topic of shared/infra with that key, each keyed by its entity. An event
 * the topic's schemas refuse throws InvalidEventError and nothing of the batch is sent.
 */
export async function publishEvents(topicKey: EventTopicKey, events: readonly DomainEvent[]): Promise<void> {
  for (const event of events) requireValidEvent(topicKey, event);
  // One send per partition. kafkajs 2.2.4 retries a send that spans several leaders by sending
  // only to the brokers that have not answered yet: when a broker died and its partitions moved to
  // one that had answered for others, their records are never sent and the send still resolves.
  // A send to one partition retries against its new leader.
  await Promise.all(
    [...byPartition(topicKey, events)].map(([partition, batch]) => sendBatch(topicKey, partition, batch)),
  );
}

/**
 * Publishes events its caller has checked (the outbox checks each before it sends: one that fails
 * its schema is set aside, not sent) as publishEvents does, one send per partition, and answers, per event,
 * whether Kafka acknowledged it: one partition failing does not hide what the others took. A
 * batch the broker refuses for a record in it is sent again one event at a time, so only the
 * refused record stays refused (`refused`).
 */
export async function publishEach(
  topicKey: EventTopicKey,
  events: readonly DomainEvent[],
): Promise<PublishOutcome> {
  const outcome: PublishOutcome = { sent: [], failed: [] };
  const attempt = async (partition: number, batch: readonly DomainEvent[]): Promise<void> => {
    try {
      await sendBatch(topicKey, partition, batch);
      outcome.sent.push(...batch);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const refused = refusesRecord(error);
      if (refused && batch.length > 1) {
        for (const event of batch) await attempt(partition, [event]);
        return;
      }
      for (const event of batch) outcome.failed.push({ event, error, refused });
    }
  };
  await Promise.all(
    [...byPartition(topicKey, events)].map(([partition, batch]) => attempt(partition, batch)),
  );
  return outcome;
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
