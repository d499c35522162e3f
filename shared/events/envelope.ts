/**
 * The envelope of every domain event on Kafka: JSON with an id, a type, the time, a schema version
 * and the key of the entity it concerns. What `data` holds per type and version is in the topic's
 * schemas beside this file; shared/kafka/events.ts publishes events.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';

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
