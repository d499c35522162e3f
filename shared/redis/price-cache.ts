/**
 * The request-defined price cache: exactly what search reads, kept by the cache updater from
 * catalog events. Its keys (named in keys.ts):
 *
 *   group:{g}:offers     ZSET  listed offers of group g, scored by total price (price + shipping)
 *   offer:{g}:<offerId>  HASH  what search shows of a listed offer (and its category, for promotions)
 *   group:{g}:state      HASH  offerId → last applied version, listed flag and keywords (JSON)
 *   group:{g}:keywords   HASH  keyword → number of listed offers of g carrying it
 *   group:{g}:dropped    SET   keywords g lost whose keyword sets still have to forget g
 *   keyword:{k}:groups   ZSET  groups with a listed offer carrying k, scored by the group's lowest total
 *   keyword:{k}:empty    STRING  a recent DynamoDB lookup found no group for k (expires)
 *   known-keywords       SET   every keyword ever listed
 *   suggest:{c}:<prefix> ZSET  keywords starting with prefix (c: its first character), scored by
 *                              minus their search count
 *
 * A group's keys share a Redis Cluster slot (hash tag {g}), so one script changes them atomically;
 * a keyword's two keys share the slot of {k}, read in one pipeline; the prefixes of one keyword
 * share the slot of their first character, written in one pipeline. Keyword sets live in other
 * slots than the group and are brought in line right after, one keyword at a time, from what the
 * script reports. Every step is idempotent, so a retried or replayed event leaves the same state.
 */
import type { Offer, OfferSummary } from '../domain/catalog';
import { isListed, totalPrice } from '../domain/catalog';
import type { RankedGroup } from '../domain/search';
import { suggestPrefixes } from '../domain/search';
import { allWritten, connectedRedis, execOrThrow, type RedisClient, unlinkMatching } from './client';
import { groupKeys, keywordEmptyKey, keywordGroupsKey, knownKeywordsKey, suggestKey } from './keys';

/**
 * Offers rendered into a group's top key: search's default page. A search for that page reads one
 * string per group instead of running a script over the group's offers.
 */
export const topOffers = 10;

/** How long a keyword that found nothing in DynamoDB is answered from that memory. */
const emptyKeywordSeconds = 60;

// Applies one offer version to its group unless a version as new is already there (and then renders
// the group's first page of offers into its top key), then reports the group's lowest total, its
// keywords and the keywords it has lost.
const applyOfferScript = `
local offerId = ARGV[1]
local version = tonumber(ARGV[2])
local applied = 0
local stored = redis.call('HGET', KEYS[2], offerId)
local previous = stored and cjson.decode(stored) or nil
if not previous or previous.v < version then
  applied = 1
  local listed = ARGV[3] == '1'
  if previous and previous.l == 1 then
    for _, keyword in ipairs(previous.k) do
      if redis.call('HINCRBY', KEYS[3], keyword, -1) <= 0 then
        redis.call('HDEL', KEYS[3], keyword)
        redis.call('SADD', KEYS[4], keyword)
      end
    end
  end
  local keywords = {}
  local display = ARGV[11] .. offerId
  if listed then
    keywords = cjson.decode(ARGV[5])
    for _, keyword in ipairs(keywords) do
      if redis.call('HINCRBY', KEYS[3], keyword, 1) == 1 then
        redis.call('SREM', KEYS[4], keyword)
      end
    end
    redis.call('ZADD', KEYS[1], ARGV[4], offerId)
    redis.call('HSET', display, 'sellerId', ARGV[6], 'title', ARGV[7], 'price', ARGV[8], 'shippingFee', ARGV[9], 'url', ARGV[10], 'category', ARGV[13])
  else
    redis.call('ZREM', KEYS[1], offerId)
    redis.call('DEL', display)
  end
  redis.call('HSET', KEYS[2], offerId, cjson.encode({v = version, l = listed and 1 or 0, k = keywords}))
  local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[12]) - 1, 'WITHSCORES')
  local top = {redis.call('ZCARD', KEYS[1])}
  for i = 1, #ids, 2 do
    local fields = redis.call('HMGET', ARGV[11] .. ids[i], 'sellerId', 'title', 'price', 'shippingFee', 'url', 'category')
    top[#top + 1] = {ids[i], ids[i + 1], fields[1] or '', fields[2] or '', fields[3] or '0', fields[4] or '0', fields[5] or '', fields[6] or ''}
  end
  redis.call('SET', KEYS[5], cjson.encode(top))
end
local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {applied, lowest[2] or false, redis.call('HKEYS', KEYS[3]), redis.call('SMEMBERS', KEYS[4])}
`;

// A page of a group's offers, cheapest first, with what search shows of each, and the group's size.
export const groupOffersScript = `
local first = tonumber(ARGV[2])
local ids = redis.call('ZRANGE', KEYS[1], first, first + tonumber(ARGV[3]) - 1, 'WITHSCORES')
local page = {redis.call('ZCARD', KEYS[1])}
for i = 1, #ids, 2 do
  local fields = redis.call('HMGET', ARGV[1] .. ids[i], 'sellerId', 'title', 'price', 'shippingFee', 'url', 'category')
  page[#page + 1] = {ids[i], ids[i + 1], fields[1] or '', fields[2] or '', fields[3] or '0', fields[4] or '0', fields[5] or '', fields[6] or ''}
end
return page
`;

type ApplyReply = [number, string | null, string[], string[]];
// Rows rendered before offers carried their category have 7 fields; the category reads as ''.
type GroupOffersReply = [
  number,
  ...Array<[string, string, string, string, string, string, string, string | undefined]>,
];

interface PriceCacheCommands {
  applyOffer(...keysAndArgs: Array<string | number>): Promise<ApplyReply>;
  groupOffers(...keysAndArgs: Array<string | number>): Promise<GroupOffersReply>;
}

type PriceCacheClient = RedisClient & PriceCacheCommands;

const defined = new WeakSet<RedisClient>();

async function cache(): Promise<PriceCacheClient> {
  const redis = await connectedRedis();
  if (!defined.has(redis)) {
    redis.defineCommand('applyOffer', { numberOfKeys: 5, lua: applyOfferScript });
    redis.defineCommand('groupOffers', { numberOfKeys: 1, lua: groupOffersScript });
    defined.add(redis);
  }
  return redis as PriceCacheClient;
}

/**
 * Brings the cache in line with one version of an offer (listed, changed, sold out or removed).
 * Returns whether the version was new to the cache; the keyword sets are made right either way, so
 * retrying after a failure part-way completes the change.
 */
export async function applyOffer(offer: Offer): Promise<boolean> {
  const redis = await cache();
  const keys = groupKeys(offer.groupId);
  const listed = isListed(offer);
  const [applied, lowest, keywords, dropped] = await redis.applyOffer(
    keys.offers,
    keys.state,
    keys.keywords,
    keys.dropped,
    keys.top,
    offer.offerId,
    offer.version,
    listed ? '1' : '0',
    totalPrice(offer),
    JSON.stringify(offer.keywords),
    offer.sellerId,
    offer.title,
    offer.price,
    offer.shippingFee,
    offer.url,
    keys.offerPrefix,
    topOffers,
    offer.category,
  );
  // Each keyword's keys are in a slot of their own.
  const kept =
    lowest === null
      ? []
      : keywords.map((keyword) =>
          execOrThrow(
            redis
              .pipeline()
              .zadd(keywordGroupsKey(keyword), lowest, offer.groupId)
              .unlink(keywordEmptyKey(keyword)),
          ),
        );
  await allWritten([
    ...kept,
    ...dropped.map((keyword) => redis.zrem(keywordGroupsKey(keyword), offer.groupId)),
  ]);
  // Only once every keyword set has forgotten the group: a failure leaves them for the retry.
  if (dropped.length > 0) await redis.srem(keys.dropped, ...dropped);
  if (applied === 1 && listed) await registerKeywords(offer.keywords);
  return applied === 1;
}

/** Makes new keywords known to autocomplete (with no searches yet). */
async function registerKeywords(keywords: readonly string[]): Promise<void> {
  const redis = await cache();
  const known = await redis.smismember(knownKeywordsKey, ...keywords);
  const fresh = keywords.filter((_, index) => known[index] === 0);
  if (fresh.length === 0) return;
  // One pipeline per keyword: its prefixes share a slot, other keywords' may not.
  await allWritten(
    fresh.map((keyword) => {
      const pipeline = redis.pipeline();
      for (const prefix of suggestPrefixes(keyword)) pipeline.zadd(suggestKey(prefix), 'NX', 0, keyword);
      return execOrThrow(pipeline);
    }),
  );
  await redis.sadd(knownKeywordsKey, ...fresh);
}

export interface KeywordPage {
  groups: RankedGroup[];
  totalGroups: number;
}

/**
 * A page of the groups a keyword finds, cheapest first, or undefined when the cache does not know
 * the keyword (a miss: ask DynamoDB).
 */
export async function keywordGroups(
  keyword: string,
  offset: number,
  count: number,
): Promise<KeywordPage | undefined> {
  const key = keywordGroupsKey(keyword);
  const [page, total, empty] = (await execOrThrow(
    (
      await cache()
    )
      .pipeline()
      .zrange(key, offset, String(offset + count - 1), 'WITHSCORES')
      .zcard(key)
      .exists(keywordEmptyKey(keyword)),
  )) as [string[], number, number];
  if (total === 0) return empty === 1 ? { groups: [], totalGroups: 0 } : undefined;
  const groups: RankedGroup[] = [];
  for (let index = 0; index < page.length; index += 2) {
    groups.push({ groupId: page[index] as string, lowestTotalPrice: Number(page[index + 1]) });
  }
  return { groups, totalGroups: total };
}

/** Each group's lowest total under the keyword, or null for a group the keyword does not find. */
export async function keywordGroupScores(
  keyword: string,
  groupIds: readonly string[],
): Promise<(number | null)[]> {
  if (groupIds.length === 0) return [];
  const scores = await (await cache()).zmscore(keywordGroupsKey(keyword), ...groupIds);
  return scores.map((score) => (score === null ? null : Number(score)));
}

/** Remembers for a minute that a keyword finds nothing, so repeated searches for it stay in Redis. */
export async function rememberEmptyKeyword(keyword: string): Promise<void> {
  await (await cache()).set(keywordEmptyKey(keyword), '1', 'EX', emptyKeywordSeconds);
}

export interface GroupOffersPage {
  offerCount: number;
  offers: OfferSummary[];
}

/**
 * For each group, a page of its listed offers, cheapest first. The groups' reads go out together
 * (one command per group, since every group is in a slot of its own) and are answered in about one
 * round trip.
 */
export async function groupsOffers(
  groupIds: readonly string[],
  offset: number,
  count: number,
): Promise<GroupOffersPage[]> {
  const redis = await cache();
  const replies: (GroupOffersReply | undefined)[] = groupIds.map(() => undefined);
  if (offset === 0 && count <= topOffers) {
    const rendered = await Promise.all(groupIds.map((groupId) => redis.get(groupKeys(groupId).top)));
    rendered.forEach((top, index) => {
      if (top) replies[index] = JSON.parse(top) as GroupOffersReply;
    });
  }
  // Any page but the first, and groups cached before top keys existed, read the offers themselves.
  const missing = groupIds.flatMap((groupId, index) => (replies[index] ? [] : [{ groupId, index }]));
  const read = await Promise.all(
    missing.map(({ groupId }) => {
      const keys = groupKeys(groupId);
      return redis.groupOffers(keys.offers, keys.offerPrefix, offset, count);
    }),
  );
  missing.forEach(({ index }, position) => {
    replies[index] = read[position];
  });
  return replies.map((reply) => {
    const [offerCount, ...rows] = reply ?? [0];
    return {
      offerCount,
      offers: rows
        .slice(0, count)
        .map(([offerId, total, sellerId, title, price, shippingFee, url, category]) => ({
          offerId,
          sellerId,
          title,
          category: category ?? '',
          price: Number(price),
          shippingFee: Number(shippingFee),
          discount: 0,
          promotionId: null,
          totalPrice: Number(total),
          url,
        })),
    };
  });
}

/** Whether the cache holds any state for the group (a group never seen or evicted has none). */
export async function groupIsCached(groupId: string): Promise<boolean> {
  return (await (await cache()).exists(groupKeys(groupId).state)) === 1;
}

/** Deletes every price-cache key (not the search insights), before a rebuild. Returns how many. */
export async function clearPriceCache(): Promise<number> {
  let deleted = 0;
  for (const pattern of ['group:*', 'offer:*', 'keyword:*']) deleted += await unlinkMatching(pattern);
  return deleted;
}
