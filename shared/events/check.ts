/** Whether a value is a valid event of a topic: its envelope, and its data for its type and version. */
import type { z } from 'zod';
import { topicName } from '../infra';
import { type DomainEvent, domainEventSchema } from './envelope';
import { InvalidEventError } from './errors';
import { type EventTopicKey, eventTopics } from './topics';

export type EventCheck = { ok: true; event: DomainEvent } | { ok: false; reason: string };

function pathOf(root: string, path: readonly PropertyKey[]): string {
  const tail = path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
  const joined = `${root}${tail}`.replace(/^\./, '');
  return joined === '' ? 'the value' : joined;
}

function issuesOf(error: z.ZodError, root = ''): string {
  return error.issues.map((issue) => `${pathOf(root, issue.path)}: ${issue.message}`).join('; ');
}

/**
 * The envelope and the data schema of (topic, type, schemaVersion). Unknown types and versions are
 * refused with a reason saying which; the event of a valid value has its data as parsed.
 */
export function checkEvent(topicKey: EventTopicKey, value: unknown): EventCheck {
  const envelope = domainEventSchema.safeParse(value);
  if (!envelope.success) {
    return { ok: false, reason: `not a domain event envelope: ${issuesOf(envelope.error)}` };
  }
  const event = envelope.data;
  const { types } = eventTopics[topicKey];
  const definition = Object.hasOwn(types, event.type) ? types[event.type] : undefined;
  if (!definition) {
    return { ok: false, reason: `unknown event type "${event.type}" on ${topicKey}` };
  }
  const schema = definition.versions[event.schemaVersion];
  if (!schema) {
    const known = Object.keys(definition.versions).join(', ');
    return {
      ok: false,
      reason: `unknown schema version ${event.schemaVersion} of ${event.type} (known: ${known})`,
    };
  }
  const data = schema.safeParse(event.data);
  if (!data.success) {
    return {
      ok: false,
      reason: `invalid ${event.type} v${event.schemaVersion} data: ${issuesOf(data.error, 'data')}`,
    };
  }
  return { ok: true, event: { ...event, data: data.data } };
}

/** The event if it is valid on the topic; InvalidEventError otherwise (an event never to be sent). */
export function requireValidEvent(topicKey: EventTopicKey, event: DomainEvent): DomainEvent {
  const check = checkEvent(topicKey, event);
  if (!check.ok) throw new InvalidEventError(topicKey, topicName(topicKey), event.id, check.reason);
  return event;
}
