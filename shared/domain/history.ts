/**
 * What a member's history keeps of a domain event: one entry per event id, under the member it
 * concerns, expiring after the retention period.
 */

/** History kinds a member can query; one per event topic that concerns members. */
export type HistoryKind = 'member' | 'search' | 'order';

export const historyRetentionDays = 365;

export interface HistoryEntry {
  pk: string;
  sk: string;
  kind: HistoryKind;
  eventId: string;
  eventType: string;
  occurredAt: string;
  data: Record<string, unknown>;
  /** Epoch seconds; DynamoDB's TTL removes the entry after it. */
  expiresAt: number;
}

export interface MemberEvent {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

/** The member an event concerns, or undefined for events of anonymous visitors. */
export function memberIdOf(event: MemberEvent): string | undefined {
  const memberId = event.data.memberId;
  return typeof memberId === 'string' && memberId !== '' ? memberId : undefined;
}

/**
 * The history entry for an event, or undefined when the event concerns no member. The sort key
 * orders a member's entries by time and makes a redelivered event land on the same item.
 */
export function historyEntryFor(
  event: MemberEvent,
  kind: HistoryKind,
  retentionDays = historyRetentionDays,
): HistoryEntry | undefined {
  const memberId = memberIdOf(event);
  if (memberId === undefined) return undefined;
  const occurredAtMs = Date.parse(event.time);
  if (Number.isNaN(occurredAtMs))
    throw new RangeError(`Event ${event.id} has an invalid time "${event.time}"`);
  return {
    pk: `MEMBER#${memberId}`,
    sk: `${new Date(occurredAtMs).toISOString()}#${event.id}`,
    kind,
    eventId: event.id,
    eventType: event.type,
    occurredAt: new Date(occurredAtMs).toISOString(),
    data: event.data,
    expiresAt: Math.floor(occurredAtMs / 1000) + retentionDays * 86_400,
  };
}
