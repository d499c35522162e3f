/**
 * Kafka consumer of search events: popular keywords per day, related keywords per visitor and the
 * search counts that order autocomplete. A redelivered event is counted once.
 */
import * as z from 'zod';
import { domainEventConsumer } from '../../shared/kafka/consumer';
import { countSearch } from '../../shared/redis/keyword-insights';
import { searchEventType } from '../../shared/search/search-events';

const searchData = z.object({
  keyword: z.string().min(1).max(100),
  resultCount: z.int().min(0),
  memberId: z.string().min(1).optional(),
  sessionId: z.string().min(1).optional(),
});

export const handler = domainEventConsumer(async (event) => {
  if (event.type !== searchEventType) return;
  const search = searchData.parse(event.data);
  await countSearch({
    eventId: event.id,
    keyword: search.keyword,
    resultCount: search.resultCount,
    visitor: search.memberId
      ? `member:${search.memberId}`
      : search.sessionId && `session:${search.sessionId}`,
    at: new Date(event.time),
  });
});
