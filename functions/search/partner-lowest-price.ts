/**
 * GET /partner/v1/lowest-price: the external price-comparison API. Each call is authenticated by
 * the partner's API key and takes one request from its quota.
 */
import { httpHandler, respond } from '../../shared/http';
import { lowestPriceByKeyword } from '../../shared/search/lowest-price';
import { admitPartner } from '../../shared/search/partners';
import { recordSearch } from '../../shared/search/search-events';
import { partnerLowestPriceRoute } from './routes';

export const handler = httpHandler(partnerLowestPriceRoute, async ({ query }, event) => {
  const { partner, remaining } = await admitPartner(
    event.headers?.['x-api-key'],
    event.requestContext?.identity?.sourceIp ?? 'unknown',
  );
  const results = await lowestPriceByKeyword({
    keyword: query.keyword,
    offset: query.offset,
    limit: query.limit,
    offersPerGroup: 1,
  });
  await recordSearch({
    keyword: query.keyword,
    resultCount: results.totalGroups,
    channel: 'partner',
    partnerId: partner.partnerId,
  });
  const next = query.offset + results.groups.length;
  return respond(
    200,
    {
      keyword: query.keyword,
      totalGroups: results.totalGroups,
      nextOffset: next < results.totalGroups ? next : null,
      results: results.groups.flatMap(({ groupId, offers: [cheapest] }) =>
        cheapest ? [{ groupId, ...cheapest }] : [],
      ),
    },
    { 'X-RateLimit-Remaining': String(remaining) },
  );
});
