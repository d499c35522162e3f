/** The shape of a topic's event catalogue: what each event type's `data` holds, per schema version. */
import type { z } from 'zod';

/** A schema of an event's `data`: always a JSON object. */
export type EventDataSchema = z.ZodType<Record<string, unknown>>;

export interface EventTypeDefinition {
  /** When the event is sent and what it reports. */
  description: string;
  /** The schema of `data` by schema version (the envelope's `schemaVersion`). */
  versions: Readonly<Record<number, EventDataSchema>>;
}

export interface TopicEventsDefinition {
  /** What the topic carries. */
  description: string;
  /** What a record's key (and the envelope's `key`) is: the entity whose events stay in order. */
  key: string;
  /** The envelope's `source` of its events. */
  source: string;
  /** Event types by name (the envelope's `type`). */
  types: Readonly<Record<string, EventTypeDefinition>>;
}
