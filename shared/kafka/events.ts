/**
 * The envelope of every domain event on Kafka: JSON with an id, a type, the time, a schema version
 * and the key of the entity it concerns. Records are keyed by that entity so its events stay in
 * order on one partition.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { topicName } from '../infra';
import { kafkaProducer } from './client';

export const domainEventSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  time: z.iso.datetime({ offset: true }),
  schemaVersion: z.int().positive(),
  source: z.string().min(1).max(100),
  key: z.string().min(1).max(200),
  data: z.record(z.string(), z.unknown()),
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

/** Publishes events to the topic of shared/infra with that key, each keyed by its entity. */
export async function publishEvents(topicKey: string, events: readonly DomainEvent[]): Promise<void> {
  const producer = await kafkaProducer();
  await producer.send({
    topic: topicName(topicKey),
    acks: -1,
    messages: events.map((event) => ({
      key: event.key,
      value: JSON.stringify(event),
      headers: { 'event-type': event.type, 'schema-version': String(event.schemaVersion) },
    })),
  });
}
