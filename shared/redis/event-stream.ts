/**
 * A stream of events on their way to Kafka, one entry per event (field `event` = the event as
 * JSON): functions append (XADD) before they answer; a relay reads the stream in the consumer group
 * `relay` (XREADGROUP), publishes to the topic, and only then acknowledges and deletes what it
 * published (XACK and XDEL in one transaction). Entries a relay read but never acknowledged (it
 * died, or Kafka refused them until its time ran out) stay pending in the group, and a later relay
 * claims them once they have been idle long enough (XAUTOCLAIM).
 *
 * A stream is one key, so on a Redis Cluster it lives on one primary and every command of this file
 * touches one slot. Appending trims it to about `streamCap` entries (MAXLEN ~): relayed entries are
 * deleted, so the stream holds only what Kafka has not received yet, and the cap is the backlog kept
 * while the relay cannot keep up or Kafka is down. Beyond it the oldest entries are dropped, relayed
 * or not; a dropped entry that was pending is reported by the next claim (`lost`), one never read is
 * lost silently. search-event-stream.ts and ad-billing.ts name their streams.
 */
import { connectedBlockingRedis, connectedRedis, execOrThrow } from './client';

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
async function append(key: string, eventJson: string): Promise<string> {
  const redis = await connectedRedis();
  const id = await redis.xadd(key, 'MAXLEN', '~', streamCap, '*', field, eventJson);
  if (id === null) throw new Error('XADD added nothing');
  return id;
}

/** Creates the relay's consumer group (and the stream) unless it exists; new groups start at the stream's start. */
async function ensureRelayGroup(key: string): Promise<void> {
  const redis = await connectedRedis();
  try {
    await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM');
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
async function readNew(
  key: string,
  consumer: string,
  count: number,
  blockMs?: number,
): Promise<StreamEntry[]> {
  if (blockMs === undefined) {
    const redis = await connectedRedis();
    return streamEntriesOf(
      await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, '>'),
    );
  }
  const redis = await connectedBlockingRedis();
  // BLOCK 0 would wait for ever.
  const wait = Math.max(1, Math.round(blockMs));
  return streamEntriesOf(
    await redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', wait, 'STREAMS', key, '>'),
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
async function claimIdle(
  key: string,
  consumer: string,
  minIdleMs: number,
  count: number,
  start = '0-0',
): Promise<ClaimedEntries> {
  const redis = await connectedRedis();
  const reply = await redis.xautoclaim(
    key,
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
async function acknowledge(key: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const redis = await connectedRedis();
  await execOrThrow(
    redis
      .multi()
      .xack(key, group, ...ids)
      .xdel(key, ...ids),
  );
}

/** Entries in the stream (not yet relayed, or pending) and entries pending in the relay's group. */
async function backlog(key: string): Promise<{ length: number; pending: number }> {
  const redis = await connectedRedis();
  const [length, summary] = await execOrThrow(redis.multi().xlen(key).xpending(key, group));
  const pending = Array.isArray(summary) ? Number(summary[0] ?? 0) : 0;
  return { length: Number(length), pending };
}

/** The operations of one stream, by its key (of keys.ts). */
export interface EventStream {
  key: string;
  /** Appends one event (JSON); answers its entry id. */
  append(eventJson: string): Promise<string>;
  ensureRelayGroup(): Promise<void>;
  readNew(consumer: string, count: number, blockMs?: number): Promise<StreamEntry[]>;
  claimIdle(consumer: string, minIdleMs: number, count: number, start?: string): Promise<ClaimedEntries>;
  acknowledge(ids: readonly string[]): Promise<void>;
  backlog(): Promise<{ length: number; pending: number }>;
}

export function eventStream(key: string): EventStream {
  return {
    key,
    append: (eventJson) => append(key, eventJson),
    ensureRelayGroup: () => ensureRelayGroup(key),
    readNew: (consumer, count, blockMs) => readNew(key, consumer, count, blockMs),
    claimIdle: (consumer, minIdleMs, count, start) => claimIdle(key, consumer, minIdleMs, count, start),
    acknowledge: (ids) => acknowledge(key, ids),
    backlog: () => backlog(key),
  };
}
