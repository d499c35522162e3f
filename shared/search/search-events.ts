/**
 * Every search becomes a `KeywordSearched` event on the search topic, keyed by the visitor so one
 * visitor's searches stay in order. A search does not wait for Kafka: before it answers, its event
 * is appended to a Redis stream (shared/redis/search-event-stream.ts), one round trip, and the
 * scheduled relay (search-event-relay.ts) sends the stream to Kafka. Nothing is left running once
 * the search has answered.
 */

import { dependencyBreaker } from '../dependency-breaker';
import { optional } from '../domain/circuit-breaker';
import { requireValidEvent, searchEventType } from '../events';
import { type DomainEvent, domainEvent } from '../events/envelope';
import { underPressure } from '../http/middleware/pressure';
import { logger } from '../logger';
import { appendSearchEvent } from '../redis/search-event-stream';

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

/**
 * A Redis that fails or is slow costs a search at most the breaker's timeout (100 ms), and nothing
 * while the breaker is open.
 */
const streamBreaker = dependencyBreaker('search event stream');
let notStored = 0;

/** The event of one search. */
export function searchEvent(search: SearchPerformed, now: Date): DomainEvent {
  const visitor = search.memberId ?? search.sessionId;
  return domainEvent(
    { type: searchEventType, source: 'search', key: visitor ?? search.keyword, data: { ...search } },
    now,
  );
}

/**
 * Stores the event of one search for the relay; resolves once it is stored, or once storing it
 * has failed or taken longer than the breaker allows, when it is logged and counted (the answer
 * matters more than one event). An event the topic refuses throws here, where it was made.
 * While the container is under pressure the event is not made at all: it only feeds popular,
 * related and suggested keywords and the searcher's history, and the answer matters more.
 * Answers whether the event was stored.
 */
export async function recordSearch(search: SearchPerformed, now = new Date()): Promise<boolean> {
  if (underPressure()) return false;
  const event = requireValidEvent('searchEvents', searchEvent(search, now));
  let failure: unknown;
  const stored = await optional(
    streamBreaker,
    async () => {
      try {
        await appendSearchEvent(JSON.stringify(event));
        return true;
      } catch (error) {
        failure = error;
        throw error;
      }
    },
    () => false,
  );
  if (!stored) {
    notStored += 1;
    logger.warn('search event not stored', {
      eventId: event.id,
      notStoredInThisContainer: notStored,
      reason: failure instanceof Error ? failure.message : 'redis unavailable or too slow',
    });
  }
  return stored;
}
