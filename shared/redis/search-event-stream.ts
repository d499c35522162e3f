/**
 * Search events on their way to Kafka (shared/search/search-events.ts):
 *
 *   search-events:{relay}  STREAM  one entry per search, field `event` = the event as JSON
 *
 * The search functions append (XADD) before they answer; the relay function reads the stream in
 * the consumer group `relay` (XREADGROUP), publishes to the search topic, and only then
 * acknowledges and deletes what it published (XACK and XDEL in one transaction). Entries a relay
 * read but never acknowledged (it died, or Kafka refused them until its time ran out) stay pending
 * in the group, and a later relay claims them once they have been idle long enough (XAUTOCLAIM).
 *
 * The stream is one key with its own hash tag, so on a Redis Cluster it lives on one primary and
 * every command of this file touches one slot. Appending trims it to about `streamCap` entries
 * (MAXLEN ~): relayed entries are deleted, so the stream holds only what Kafka has not received
 * yet, and the cap is the backlog kept while the relay cannot keep up or Kafka is down. Beyond it
 * the oldest entries are dropped, relayed or not; a dropped entry that was pending is reported by
 * the next claim (`lost`), one never read is lost silently.
 */
import { connectedBlockingRedis, connectedRedis, execOrThrow } from './client';
import { searchEventStreamKey } from './keys';

const group = 'relay';
const field = 'event';

/**
 * About an hour of searches at 30 a second, or half a minute at 3,000 a second; at about 400
 * bytes an entry, some 40 MB of Redis at most.
 */
export const streamCap = 100_000;

export interface StreamEntry {
  id: string;
  /** The entry's `event` field; undefined when the entry has none (it was not written here). */
  event: string | undefined;
}

export interface ClaimedEntries {
  entries: StreamEntry[];
  /** Pending entries that the cap trimmed before any relay published them. */
  lost: string[];
  /** Where the next claim starts; `0-0` once every pending entry was looked at. */
  next: string;
}

/** Appends one event; answers its entry id. */
export async function appendSearchEvent(eventJson: string): Promise<string> {
  const redis = await connectedRedis();
  const id = await redis.xadd(searchEventStreamKey, 'MAXLEN', '~', streamCap, '*', field, eventJson);
  if (id === null) throw new Error('XADD added nothing');
  return id;
}

/** Creates the relay's consumer group (and the stream) unless it exists; new groups start at the stream's start. */
export async function ensureRelayGroup(): Promise<void> {
  const redis = await connectedRedis();
  try {
    await redis.xgroup('CREATE', searchEventStreamKey, group, '0', 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
  }
}

function entriesOf(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item): StreamEntry[] => {
    if (!Array.isArray(item) || typeof item[0] !== 'string') return [];
    const [id, fields] = item as [string, unknown];
    if (!Array.isArray(fields)) return [{ id, event: undefined }];
    const at = fields.indexOf(field);
    const value = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
    return [{ id, event: typeof value === 'string' ? value : undefined }];
  });
}

/**
 * Entries no consumer of the group has read yet, at most `count`, waiting up to `blockMs` for one
 * to arrive if given; they are pending for `consumer` until acknowledged. A read that waits uses a
 * connection of its own, so the wait holds up no other command.
 */
export async function readNew(consumer: string, count: number, blockMs?: number): Promise<StreamEntry[]> {
  if (blockMs === undefined) {
    const redis = await connectedRedis();
    return streamEntriesOf(
      await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', searchEventStreamKey, '>'),
    );
  }
  const redis = await connectedBlockingRedis();
  // BLOCK 0 would wait for ever.
  const wait = Math.max(1, Math.round(blockMs));
  return streamEntriesOf(
    await redis.xreadgroup(
      'GROUP',
      group,
      consumer,
      'COUNT',
      count,
      'BLOCK',
      wait,
      'STREAMS',
      searchEventStreamKey,
      '>',
    ),
  );
}

/** The entries of an XREADGROUP reply (a list of [stream, entries]; null when nothing came). */
function streamEntriesOf(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  return reply.flatMap((stream) => (Array.isArray(stream) ? entriesOf(stream[1]) : []));
}

/**
 * Takes over, for `consumer`, up to `count` pending entries idle for at least `minIdleMs`, from
 * `start` on (`0-0` for the first call).
 */
export async function claimIdle(
  consumer: string,
  minIdleMs: number,
  count: number,
  start = '0-0',
): Promise<ClaimedEntries> {
  const redis = await connectedRedis();
  const reply = await redis.xautoclaim(
    searchEventStreamKey,
    group,
    consumer,
    Math.max(0, Math.round(minIdleMs)),
    start,
    'COUNT',
    count,
  );
  const [next, entries, lost] = reply;
  return {
    next: typeof next === 'string' ? next : '0-0',
    entries: entriesOf(entries),
    lost: Array.isArray(lost) ? lost.filter((id): id is string => typeof id === 'string') : [],
  };
}

/** The entries reached Kafka (or can never be sent): acknowledged and deleted, in one transaction. */
export async function acknowledge(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const redis = await connectedRedis();
  await execOrThrow(
    redis
      .multi()
      .xack(searchEventStreamKey, group, ...ids)
      .xdel(searchEventStreamKey, ...ids),
  );
}

/** Entries in the stream (not yet relayed, or pending) and entries pending in the relay's group. */
export async function streamBacklog(): Promise<{ length: number; pending: number }> {
  const redis = await connectedRedis();
  const [length, summary] = await execOrThrow(
    redis.multi().xlen(searchEventStreamKey).xpending(searchEventStreamKey, group),
  );
  const pending = Array.isArray(summary) ? Number(summary[0] ?? 0) : 0;
  return { length: Number(length), pending };
}
