/** GET /search: product groups for a keyword, cheapest first, each with its cheapest offers. */
import { httpHandler } from '../../shared/http';
import { logger } from '../../shared/logger';
import { relatedKeywords } from '../../shared/redis/keyword-insights';
import { lowestPriceByKeyword } from '../../shared/search/lowest-price';
import { recordSearch } from '../../shared/search/search-events';
import { sessionIdOf } from '../../shared/search/visitor';
import { searchRoute } from './routes';

const relatedShown = 5;

/** Related keywords are a nicety: without Redis the results still come, without them. */
async function relatedOrNone(keyword: string): Promise<string[]> {
  try {
    return await relatedKeywords(keyword, relatedShown);
  } catch (error) {
    logger.warn('related keywords unavailable', {
      error: error instanceof Error ? error.message : String(error),
    });
    return [];
  }
}

export const handler = httpHandler(searchRoute, async ({ query, caller }, event) => {
  const [results, related] = await Promise.all([
    lowestPriceByKeyword({
      keyword: query.q,
      offset: query.offset,
      limit: query.limit,
      offersPerGroup: query.offers,
    }),
    relatedOrNone(query.q),
  ]);
  recordSearch({
    keyword: query.q,
    resultCount: results.totalGroups,
    channel: 'search',
    memberId: caller?.memberId,
    sessionId: sessionIdOf(event),
  });
  const next = query.offset + results.groups.length;
  return {
    keyword: query.q,
    totalGroups: results.totalGroups,
    offset: query.offset,
    limit: query.limit,
    nextOffset: next < results.totalGroups ? next : null,
    groups: results.groups,
    related,
    source: results.source,
  };
});
