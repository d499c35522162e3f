/**
 * The relay of a Redis stream of events (shared/redis/event-stream.ts) to its topic: at least once,
 * never lost while in the stream. An entry is acknowledged and deleted only after Kafka
 * acknowledged its event, so a relay that dies at any point leaves its entries pending, and the
 * next relay claims those that have been idle longer than any relay can run. A redelivered event
 * keeps its id, and the consumers count it once. Search events and ad events go this way.
 */

import type { EventTopicKey } from '../events';
import { checkEvent } from '../events';
import type { DomainEvent } from '../events/envelope';
import { publishEvents } from '../kafka/events';
import { logger } from '../logger';
import type { EventStream, StreamEntry } from '../redis/event-stream';

/** A stream of events (shared/redis/event-stream.ts) and the topic it is relayed to. */
export interface StreamSource {
  /** What the events are, in log messages (`search events`). */
  name: string;
  stream: EventStream;
  topicKey: EventTopicKey;
}

/** One consumer name for every relay: entries are handed out per read, not per consumer. */
const consumer = 'relay';

export interface RelayOptions {
  /** How long the relay may still start work, in ms; it stops once this is no more than zero. */
  timeLeftMs: () => number;
  /** Stop as soon as nothing new is waiting, instead of waiting for more (tests, benchmarks). */
  untilEmpty?: boolean;
  /**
   * Pending entries idle this long belong to no live relay and are claimed (default 60 s, the relay
   * function's timeout: a relay cannot hold an entry longer).
   */
  claimIdleMs?: number;
  /** Entries per read and per Kafka send (default 500). */
  batchSize?: number;
  /** The longest one read waits for new entries, in ms (default 2 s). */
  blockMs?: number;
}

export interface RelayResult {
  /** Events Kafka acknowledged. */
  relayed: number;
  /** Of those, events claimed from an earlier relay that had not acknowledged them. */
  reclaimed: number;
  /** Entries that can never be sent (not a valid event), deleted and logged. */
  dropped: number;
  /** Pending entries the stream's cap trimmed before they were sent, logged. */
  lost: number;
}

const retryAfterMs = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The valid events of the entries; the ids of those that are not. */
function eventsOf(
  source: StreamSource,
  entries: readonly StreamEntry[],
): { events: DomainEvent[]; invalid: string[] } {
  const events: DomainEvent[] = [];
  const invalid: string[] = [];
  for (const entry of entries) {
    let value: unknown;
    try {
      value = entry.event === undefined ? undefined : JSON.parse(entry.event);
    } catch {
      value = undefined;
    }
    const check = checkEvent(source.topicKey, value);
    if (check.ok) events.push(check.event);
    else {
      invalid.push(entry.id);
      logger.error(`${source.name} entry dropped: not a valid event`, {
        entryId: entry.id,
        reason: check.reason,
      });
    }
  }
  return { events, invalid };
}

/**
 * Sends the entries' events, then acknowledges the entries; while Kafka refuses, tries again every
 * second as long as there is time. Answers how many were sent and how many dropped as invalid, or
 * undefined when the time ran out first: the entries then stay pending for a later relay.
 */
async function relayBatch(
  source: StreamSource,
  entries: readonly StreamEntry[],
  options: RelayOptions,
): Promise<{ sent: number; dropped: number } | undefined> {
  const { events, invalid } = eventsOf(source, entries);
  for (;;) {
    try {
      if (events.length > 0) await publishEvents(source.topicKey, events);
      break;
    } catch (error) {
      logger.warn(`${source.name} not sent yet`, {
        events: events.length,
        error: error instanceof Error ? error.message : String(error),
      });
      if (options.timeLeftMs() <= retryAfterMs) return undefined;
      await sleep(retryAfterMs);
    }
  }
  await source.stream.acknowledge(entries.map((entry) => entry.id));
  return { sent: events.length, dropped: invalid.length };
}

/**
 * Relays the stream until its time is up (or, with `untilEmpty`, until nothing new is waiting):
 * first what earlier relays left pending, then new entries as they come. Every command it sends
 * is awaited, the last wait included, so nothing runs after it resolves.
 */
export async function relayEventStream(source: StreamSource, options: RelayOptions): Promise<RelayResult> {
  const batchSize = options.batchSize ?? 500;
  const claimIdleMs = options.claimIdleMs ?? 60_000;
  const blockMs = options.blockMs ?? 2_000;
  const result: RelayResult = { relayed: 0, reclaimed: 0, dropped: 0, lost: 0 };
  await source.stream.ensureRelayGroup();

  const relay = async (entries: StreamEntry[], reclaimed: boolean): Promise<boolean> => {
    const done = await relayBatch(source, entries, options);
    if (!done) return false;
    result.relayed += done.sent;
    result.dropped += done.dropped;
    if (reclaimed) result.reclaimed += done.sent;
    return true;
  };

  const relayClaimed = async (): Promise<boolean> => {
    let start = '0-0';
    do {
      if (options.timeLeftMs() <= 0) return false;
      const claimed = await source.stream.claimIdle(consumer, claimIdleMs, batchSize, start);
      if (claimed.lost.length > 0) {
        result.lost += claimed.lost.length;
        logger.error(`${source.name} lost: trimmed from the stream before they were sent`, {
          entries: claimed.lost.length,
        });
      }
      if (claimed.entries.length > 0 && !(await relay(claimed.entries, true))) return false;
      start = claimed.next;
    } while (start !== '0-0');
    return true;
  };

  const relayNew = async (): Promise<void> => {
    while (options.timeLeftMs() > 0) {
      const wait = options.untilEmpty ? undefined : Math.min(blockMs, options.timeLeftMs());
      const entries = await source.stream.readNew(consumer, batchSize, wait);
      if (entries.length === 0) {
        if (options.untilEmpty) return;
        continue;
      }
      if (!(await relay(entries, false))) return;
    }
  };

  if (await relayClaimed()) await relayNew();
  if (result.relayed > 0 || result.lost > 0) {
    logger.info(`${source.name} relayed`, { ...result, ...(await source.stream.backlog()) });
  }
  return result;
}
