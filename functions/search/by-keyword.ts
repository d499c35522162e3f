/**
 * GET /search: product groups for a keyword, cheapest first, each with its cheapest offers, and the
 * page's sponsored slots beside them (shared/ads/serving.ts), which never change the groups' order.
 */
import { chooseSponsored, withDefaultContent } from '../../shared/ads/serving';
import { LastGoodAnswers, optional } from '../../shared/domain/circuit-breaker';
import { dependencyBreaker, underPressure } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { relatedKeywords } from '../../shared/redis/keyword-insights';
import { lowestPriceByKeyword } from '../../shared/search/lowest-price';
import { recordSearch } from '../../shared/search/search-events';
import { sessionIdOf } from '../../shared/search/visitor';
import { searchRoute } from './routes';

const relatedShown = 5;
const relatedBreaker = dependencyBreaker('related keywords');
const lastRelated = new LastGoodAnswers<string[]>(1_000);

/**
 * Related keywords are a nicety: when Redis fails, is slow or the container is under pressure, the
 * results still come, with the related keywords this container last saw for the keyword, if any.
 */
function relatedTo(keyword: string): Promise<string[]> {
  const remembered = () => lastRelated.get(keyword) ?? [];
  if (underPressure()) return Promise.resolve(remembered());
  return optional(
    relatedBreaker,
    async () => lastRelated.remember(keyword, await relatedKeywords(keyword, relatedShown)),
    remembered,
  );
}

export const handler = authenticatedHttpHandler(searchRoute, async ({ query, caller }, event) => {
  const sessionId = sessionIdOf(event);
  // Ads need nothing of the results: chosen beside them, within their own bound, and awaited even
  // when the results fail, so that nothing of them runs after the answer.
  const choosing = chooseSponsored({
    placement: 'search',
    keyword: query.q,
    memberId: caller?.memberId,
    sessionId,
  });
  const [found, ads] = await Promise.all([
    Promise.all([
      lowestPriceByKeyword({
        keyword: query.q,
        offset: query.offset,
        limit: query.limit,
        offersPerGroup: query.offers,
      }),
      relatedTo(query.q),
    ]).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    ),
    choosing,
  ]);
  if ('error' in found) throw found.error;
  const [results, related] = found.value;
  await recordSearch({
    keyword: query.q,
    resultCount: results.totalGroups,
    channel: 'search',
    memberId: caller?.memberId,
    sessionId,
  });
  const next = query.offset + results.groups.length;
  return {
    keyword: query.q,
    totalGroups: results.totalGroups,
    offset: query.offset,
    limit: query.limit,
    nextOffset: next < results.totalGroups ? next : null,
    groups: results.groups,
    // The slots no ad took are filled from the results.
    sponsored: withDefaultContent(ads, results.groups),
    related,
    source: results.source,
  };
});
