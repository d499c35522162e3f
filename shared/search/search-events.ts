/**
 * Every search becomes a `KeywordSearched` event on the search topic, keyed by the visitor so one
 * visitor's searches stay in order. A search never waits for Kafka: events are queued and sent in
 * batches a few milliseconds after the answer; a send that fails is retried with the next batch (at most
 * `maxQueued` wait, the oldest are dropped beyond that and counted in the log).
 */
import { requireValidEvent, searchEventType } from '../events';
import { type DomainEvent, domainEvent } from '../events/envelope';
import { underPressure } from '../http/middleware/pressure';
import { publishEvents } from '../kafka/events';
import { logger } from '../logger';

export { searchEventType } from '../events';

export interface SearchPerformed {
  keyword: string;
  resultCount: number;
  /** Which API answered: the marketplace's own search, autocomplete or a partner's lowest-price call. */
  channel: 'search' | 'partner';
  memberId?: string;
  sessionId?: string;
  partnerId?: string;
}

const maxQueued = 10_000;
const lingerMs = 5;
let queued: DomainEvent[] = [];
let sending: Promise<void> | undefined;

async function sendQueued(): Promise<void> {
  while (queued.length > 0) {
    const batch = queued;
    queued = [];
    try {
      await publishEvents('searchEvents', batch);
    } catch (error) {
      queued = [...batch, ...queued];
      const dropped = queued.length - maxQueued;
      if (dropped > 0) queued = queued.slice(dropped);
      logger.warn('search events not sent yet', {
        queued: queued.length,
        dropped: Math.max(0, dropped),
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
  }
}

/** The event of one search. */
export function searchEvent(search: SearchPerformed, now: Date): DomainEvent {
  const visitor = search.memberId ?? search.sessionId;
  return domainEvent(
    { type: searchEventType, source: 'search', key: visitor ?? search.keyword, data: { ...search } },
    now,
  );
}

/**
 * Queues the event of one search and starts sending if nothing is being sent. An event the topic
 * refuses throws here, where it was made, rather than block the queue of every later search.
 * While the container is under pressure the event is not made at all: it only feeds popular,
 * related and suggested keywords and the searcher's history, and the answer matters more.
 */
export function recordSearch(search: SearchPerformed, now = new Date()): void {
  if (underPressure()) return;
  queued.push(requireValidEvent('searchEvents', searchEvent(search, now)));
  // A few milliseconds of waiting let the searches of a busy container share one Kafka request.
  sending ??= new Promise((resolve) => setTimeout(resolve, lingerMs)).then(sendQueued).finally(() => {
    sending = undefined;
  });
}

/** Resolves once every queued event has been sent or has failed to send (tests, benchmarks, shutdown). */
export async function flushSearchEvents(): Promise<void> {
  while (sending) await sending;
}
