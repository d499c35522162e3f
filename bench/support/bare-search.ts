/**
 * The baseline of bench:search: the Redis reads of one search answered from the price cache, issued
 * with a plain ioredis client (no middleware, no validation, no search events) and answered as the
 * same JSON the search function gives.
 *
 * The reads are those of shared/redis/price-cache.ts (`keywordGroups`, `groupsOffers`) and
 * shared/redis/keyword-insights.ts (`relatedKeywords`), issued as functions/search/by-keyword.ts
 * issues them: the keyword's page and its related keywords at once, then one pipeline of GETs of
 * the groups' rendered first pages, and the group-offers script (EVALSHA) for any group without one.
 */
import Redis from 'ioredis';
import { defaultGroupsPerPage, defaultOffersPerGroup } from '../../shared/domain/search';
import { groupKeys, keywordEmptyKey, keywordGroupsKey, relatedKey } from '../../shared/redis/keys';
import { groupOffersScript } from '../../shared/redis/price-cache';

/** As many related keywords as the search function shows. */
const relatedShown = 5;

export interface BareSearch {
  /** The answer to `GET /search?q=<keyword>` as JSON, from the cache only. */
  search: (keyword: string) => Promise<string>;
  close: () => void;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function groupOffers(reply: unknown) {
  const [offerCount, ...rows] = Array.isArray(reply) ? reply : [];
  return {
    offerCount: Number(offerCount ?? 0),
    offers: rows.map((row: unknown) => {
      const [offerId, total, sellerId, title, price, shippingFee, url] = strings(row);
      return {
        offerId,
        sellerId,
        title,
        price: Number(price),
        shippingFee: Number(shippingFee),
        totalPrice: Number(total),
        url,
      };
    }),
  };
}

/** Connects a client of its own to Redis and loads the group-offers script. */
export async function connectBareSearch(redisUrl: string): Promise<BareSearch> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  const groupOffersSha = String(await redis.script('LOAD', groupOffersScript));

  const search = async (keyword: string): Promise<string> => {
    const key = keywordGroupsKey(keyword);
    const [replies, related] = await Promise.all([
      redis
        .pipeline()
        .zrange(key, 0, String(defaultGroupsPerPage - 1), 'WITHSCORES')
        .zcard(key)
        .exists(keywordEmptyKey(keyword))
        .exec(),
      redis.zrange(relatedKey(keyword), 0, String(relatedShown - 1), 'REV'),
    ]);
    const page = strings(replies?.[0]?.[1]);
    const totalGroups = Number(replies?.[1]?.[1] ?? 0);
    const groupIds = page.filter((_, index) => index % 2 === 0);
    const tops = redis.pipeline();
    for (const groupId of groupIds) tops.get(groupKeys(groupId).top);
    const offers: unknown[] = ((await tops.exec()) ?? []).map(([, top]) =>
      top ? JSON.parse(String(top)) : undefined,
    );
    const missing = groupIds.flatMap((groupId, index) => (offers[index] ? [] : [{ groupId, index }]));
    if (missing.length > 0) {
      const pipeline = redis.pipeline();
      for (const { groupId } of missing) {
        const keys = groupKeys(groupId);
        pipeline.evalsha(groupOffersSha, 1, keys.offers, keys.offerPrefix, 0, defaultOffersPerGroup);
      }
      const read = (await pipeline.exec()) ?? [];
      missing.forEach(({ index }, position) => {
        offers[index] = read[position]?.[1];
      });
    }
    const groups = offers.map((reply, index) => ({
      groupId: page[index * 2],
      lowestTotalPrice: Number(page[index * 2 + 1]),
      ...groupOffers(reply),
    }));
    return JSON.stringify({
      keyword,
      totalGroups,
      offset: 0,
      limit: defaultGroupsPerPage,
      nextOffset: groups.length < totalGroups ? groups.length : null,
      groups,
      related,
      source: 'cache',
    });
  };

  return { search, close: () => redis.disconnect() };
}
