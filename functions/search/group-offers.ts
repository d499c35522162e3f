/**
 * GET /groups/{groupId}/offers: every listed offer of a product group, cheapest total first, and
 * related ads: campaigns targeting the group's category or a word of its name (shared/ads/serving.ts).
 */
import { sponsoredSlots } from '../../shared/ads/serving';
import { httpHandler, NotFoundError } from '../../shared/http';
import { offersOfGroupByPrice } from '../../shared/search/lowest-price';
import { groupOffersRoute } from './routes';

export const handler = httpHandler(groupOffersRoute, async ({ params, query }) => {
  const group = await offersOfGroupByPrice(params.groupId, query.offset, query.limit);
  if (!group) throw new NotFoundError(`No product group ${params.groupId}`);
  const next = query.offset + group.offers.length;
  const [cheapest] = group.offers;
  const relatedAds = await sponsoredSlots({
    placement: 'group',
    group: { groupId: group.groupId, category: cheapest?.category ?? '', name: cheapest?.title ?? '' },
    page: [{ groupId: group.groupId, offers: group.offers }],
  });
  return {
    groupId: group.groupId,
    offerCount: group.offerCount,
    offset: query.offset,
    limit: query.limit,
    nextOffset: next < group.offerCount ? next : null,
    offers: group.offers,
    relatedAds,
    source: group.source,
  };
});
