/**
 * What a member's history keeps of a domain event: one entry per event id, under the member it
 * concerns, expiring after the retention period; how a member's list is keyed and paged; and what
 * stays of an entry once its member has withdrawn.
 *
 * Items of the history table:
 * - entry            pk `MEMBER#<memberId>`, sk `<occurredAt>#<eventId>`;
 *                    gsi1 `MEMBER#<memberId>#<kind>`, `<occurredAt>#<eventId>` (the list by kind)
 * - anonymous entry  pk `ANON#<subjectId>`, sk `<occurredAt>#<entry id>` (random), not in gsi1
 * - event marker     pk `EVENT#<eventId>`, sk `EVENT`: the event was filed (or filed anonymously)
 * - withdrawal       pk `WITHDRAWN#<memberId>`, sk `WITHDRAWN`: the member's events are anonymised
 */

/** History kinds a member can query; one per event topic that concerns members. */
export const historyKinds = ['member', 'search', 'order'] as const;
export type HistoryKind = (typeof historyKinds)[number];

export const defaultRetentionDays = 365;

export interface HistoryEntry {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  kind: HistoryKind;
  eventId: string;
  eventType: string;
  occurredAt: string;
  data: Record<string, unknown>;
  /** Epoch seconds; DynamoDB's TTL removes the entry after it. */
  expiresAt: number;
}

/** An entry of a withdrawn member: under a random subject, no member id, not listed by kind. */
export type AnonymousEntry = Omit<HistoryEntry, 'gsi1pk' | 'gsi1sk'>;

export interface MemberEvent {
  id: string;
  type: string;
  time: string;
  data: Record<string, unknown>;
}

export const memberPartition = (memberId: string) => `MEMBER#${memberId}`;
export const kindPartition = (memberId: string, kind: HistoryKind) => `MEMBER#${memberId}#${kind}`;
export const anonymousPartition = (subjectId: string) => `ANON#${subjectId}`;
export const eventMarkerKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
export const withdrawalKey = (memberId: string) => ({ pk: `WITHDRAWN#${memberId}`, sk: 'WITHDRAWN' });

/**
 * The retention period from HISTORY_RETENTION_DAYS: a whole number of days, at least 1, or the
 * default when unset. A malformed value is a deployment mistake and throws.
 */
export function retentionDaysFrom(raw: string | undefined): number {
  if (raw === undefined) return defaultRetentionDays;
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(days) || days < 1) {
    throw new RangeError(`HISTORY_RETENTION_DAYS must be a whole number of days, at least 1 (got "${raw}")`);
  }
  return days;
}

/** The member an event concerns, or undefined for events of anonymous visitors. */
export function memberIdOf(event: MemberEvent): string | undefined {
  const memberId = event.data.memberId;
  return typeof memberId === 'string' && memberId !== '' ? memberId : undefined;
}

/**
 * What history keeps of an event's data: all of it, except what is not the member's to see or
 * would tie entries to a device: the sellers' unit costs in order lines, the client's session id.
 */
export function historyDataOf(data: Record<string, unknown>): Record<string, unknown> {
  const { sessionId: _session, ...kept } = data;
  if (Array.isArray(kept.items)) {
    kept.items = kept.items.map((item: unknown) => {
      if (item === null || typeof item !== 'object') return item;
      const { unitCost: _cost, ...line } = item as Record<string, unknown>;
      return line;
    });
  }
  return kept;
}

/**
 * The history entry for an event, or undefined when the event concerns no member. The sort key
 * orders a member's entries by time and makes a redelivered event land on the same item.
 */
export function historyEntryFor(
  event: MemberEvent,
  kind: HistoryKind,
  retentionDays = defaultRetentionDays,
): HistoryEntry | undefined {
  const memberId = memberIdOf(event);
  if (memberId === undefined) return undefined;
  const occurredAtMs = Date.parse(event.time);
  if (Number.isNaN(occurredAtMs))
    throw new RangeError(`Event ${event.id} has an invalid time "${event.time}"`);
  const occurredAt = new Date(occurredAtMs).toISOString();
  const sk = `${occurredAt}#${event.id}`;
  return {
    pk: memberPartition(memberId),
    sk,
    gsi1pk: kindPartition(memberId, kind),
    gsi1sk: sk,
    kind,
    eventId: event.id,
    eventType: event.type,
    occurredAt,
    data: historyDataOf(event.data),
    expiresAt: Math.floor(occurredAtMs / 1000) + retentionDays * 86_400,
  };
}

/**
 * What an anonymised entry drops of its data: the member id, and whatever could be joined back to
 * the member through records that keep it (the orders table and the events themselves hold the
 * order id; a return's reason is the buyer's own words).
 */
const identifyingFields = ['memberId', 'orderId', 'reason'] as const;

/**
 * The entry moved to an anonymous subject: same type, time and expiry, under an id of its own
 * (the event's id is in the event, which names the member, wherever the event is still kept),
 * without identifying fields, and out of the by-kind index (which is keyed by member).
 */
export function anonymised(entry: HistoryEntry, subjectId: string, entryId: string): AnonymousEntry {
  const { gsi1pk: _g, gsi1sk: _s, data, ...rest } = entry;
  const anonymousData = Object.fromEntries(
    Object.entries(data).filter(([field]) => !(identifyingFields as readonly string[]).includes(field)),
  );
  return {
    ...rest,
    pk: anonymousPartition(subjectId),
    sk: `${entry.occurredAt}#${entryId}`,
    eventId: entryId,
    data: anonymousData,
  };
}

/** What a member is shown of an entry. */
export function historyView(entry: HistoryEntry) {
  return {
    eventId: entry.eventId,
    type: entry.kind,
    eventType: entry.eventType,
    occurredAt: entry.occurredAt,
    data: entry.data,
  };
}

export interface SortKeyRange {
  /** Lowest sort key in the range, inclusive. */
  lower: string;
  /** Highest sort key in the range, inclusive. */
  upper?: string;
}

/**
 * Sort keys of entries that occurred from `from` to `to` (both inclusive) and have not expired by
 * `now` under the retention period. Expired entries are cut off by the key range rather than a
 * filter, so a page is never short while older entries exist: DynamoDB's TTL deletes late.
 */
export function sortKeyRange(
  { from, to }: { from?: Date; to?: Date },
  now: Date,
  retentionDays: number,
): SortKeyRange {
  const oldestKept = new Date(now.getTime() - retentionDays * 86_400_000);
  const lower = from && from > oldestKept ? from : oldestKept;
  // `#` follows the time in every sort key and `$` is the next character: the last key at `to`.
  return { lower: lower.toISOString(), upper: to && `${to.toISOString()}$` };
}

/** Where a page of a member's list starts: the key of the last entry of the previous page. */
export type PageKey = Record<string, string>;

export interface ListScope {
  memberId: string;
  kind?: HistoryKind;
}

const sortKeyPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[^#]+$/;

/** The key DynamoDB continues a list after: the table's key, plus the index's when listing by kind. */
export function pageKeyOf(
  entry: Pick<HistoryEntry, 'pk' | 'sk' | 'gsi1pk' | 'gsi1sk'>,
  scope: ListScope,
): PageKey {
  return scope.kind
    ? { pk: entry.pk, sk: entry.sk, gsi1pk: entry.gsi1pk, gsi1sk: entry.gsi1sk }
    : { pk: entry.pk, sk: entry.sk };
}

export function encodeCursor(key: PageKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The page key of a cursor, or undefined when the cursor is not one this list gave: another
 * member's, another kind's, malformed, or past the upper end of the range.
 */
export function decodeCursor(cursor: string, scope: ListScope, range: SortKeyRange): PageKey | undefined {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (key === null || typeof key !== 'object' || Array.isArray(key)) return undefined;
  const fields = key as Record<string, unknown>;
  const expected = scope.kind
    ? {
        pk: memberPartition(scope.memberId),
        gsi1pk: kindPartition(scope.memberId, scope.kind),
        sk: fields.sk,
        gsi1sk: fields.sk,
      }
    : { pk: memberPartition(scope.memberId), sk: fields.sk };
  const names = Object.keys(fields);
  const sk = fields.sk;
  if (
    names.length !== Object.keys(expected).length ||
    !Object.entries(expected).every(([name, value]) => fields[name] === value) ||
    typeof sk !== 'string' ||
    !sortKeyPattern.test(sk) ||
    (range.upper !== undefined && sk > range.upper)
  ) {
    return undefined;
  }
  return fields as PageKey;
}
