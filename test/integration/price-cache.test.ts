/**
 * The Redis price cache against real Redis and DynamoDB Local: both levels of ranking stay exact
 * through every kind of change, replays and stale versions change nothing, and the DynamoDB
 * fallback gives the same answer as the cache.
 */
import type { Offer } from '../../shared/domain/catalog';
import { closeDynamo } from '../../shared/dynamo/client';
import { saveOffer } from '../../shared/dynamo/offer-store';
import { closeRedis, redisClient } from '../../shared/redis/client';
import { groupKeys, keywordGroupsKey } from '../../shared/redis/keys';
import { applyOffer, groupsOffers } from '../../shared/redis/price-cache';
import { lowestPriceByKeyword, offersOfGroupByPrice } from '../../shared/search/lowest-price';
import { offer, uniqueToken } from '../support/catalog';

afterAll(async () => {
  await closeRedis();
  closeDynamo();
});

const stored = new Map<string, Offer>();

/** Stores each version in DynamoDB (as the catalog does) and applies it to the cache (as the updater does). */
async function publish(...versions: Offer[]): Promise<void> {
  for (const version of versions) {
    await saveOffer(version, stored.get(version.offerId));
    stored.set(version.offerId, version);
    await applyOffer(version);
  }
}

const search = (keyword: string, limit = 10, offset = 0) =>
  lowestPriceByKeyword({ keyword, limit, offset, offersPerGroup: 10 });

/** Group ids with their lowest totals, and each group's offer ids, as search shows them. */
async function ranking(keyword: string) {
  const { groups } = await search(keyword);
  return groups.map((group) => [group.groupId, group.lowestTotalPrice, group.offers.map((o) => o.offerId)]);
}

function fixture() {
  const t = uniqueToken();
  return {
    keyword: `kw${t}`,
    other: `other${t}`,
    a: `ga${t}`,
    b: `gb${t}`,
    id: (name: string) => `${name}${t}`,
  };
}

describe('the price cache', () => {
  it('ranks groups by lowest total price and offers by total price, shipping included', async () => {
    const f = fixture();
    await publish(
      offer({ offerId: f.id('a1'), groupId: f.a, keywords: [f.keyword], price: 9_000, shippingFee: 3_000 }),
      offer({ offerId: f.id('a2'), groupId: f.a, keywords: [f.keyword], price: 10_000, shippingFee: 0 }),
      offer({ offerId: f.id('b1'), groupId: f.b, keywords: [f.keyword], price: 10_500, shippingFee: 0 }),
    );
    expect(await ranking(f.keyword)).toEqual([
      [f.a, 10_000, [f.id('a2'), f.id('a1')]],
      [f.b, 10_500, [f.id('b1')]],
    ]);
    const [group] = (await search(f.keyword)).groups;
    expect(group?.offers[1]).toEqual({
      offerId: f.id('a1'),
      sellerId: 'seller-1',
      title: 'Test product',
      category: 'test',
      price: 9_000,
      shippingFee: 3_000,
      discount: 0,
      promotionId: null,
      totalPrice: 12_000,
      url: 'https://seller.example/offer',
    });
  });

  it("renders each group's first page once per change, and reads the offers themselves for other pages or without it", async () => {
    const f = fixture();
    await publish(
      ...Array.from({ length: 12 }, (_, n) =>
        offer({
          offerId: f.id(`a${String(n).padStart(2, '0')}`),
          groupId: f.a,
          keywords: [f.keyword],
          price: 1_000 * (n + 1),
          title: `상품 ${n}`,
        }),
      ),
    );
    const ids = (n: number) => Array.from({ length: n }, (_, i) => f.id(`a${String(i).padStart(2, '0')}`));
    const page = (offset: number, count: number) => groupsOffers([f.a], offset, count);
    const [rendered] = await page(0, 10);
    expect(rendered?.offerCount).toBe(12);
    expect(rendered?.offers.map((o) => o.offerId)).toEqual(ids(10));
    expect(rendered?.offers[3]).toMatchObject({ title: '상품 3', price: 4_000, totalPrice: 4_000 });
    expect((await page(0, 3))[0]?.offers.map((o) => o.offerId)).toEqual(ids(3));
    expect((await page(0, 12))[0]?.offers.map((o) => o.offerId)).toEqual(ids(12));
    expect((await page(10, 5))[0]?.offers.map((o) => o.offerId)).toEqual(ids(12).slice(10));
    // A group cached before first pages were rendered answers the same.
    await redisClient().del(groupKeys(f.a).top);
    expect((await page(0, 10))[0]).toEqual(rendered);
  });

  it('re-ranks both levels on a price drop, a rise above the next offer, a sell-out and a removal', async () => {
    const f = fixture();
    const a1 = offer({ offerId: f.id('a1'), groupId: f.a, keywords: [f.keyword], price: 10_000 });
    const a2 = offer({ offerId: f.id('a2'), groupId: f.a, keywords: [f.keyword], price: 11_000 });
    const b1 = offer({ offerId: f.id('b1'), groupId: f.b, keywords: [f.keyword], price: 10_500 });
    await publish(a1, a2, b1);

    await publish({ ...b1, price: 9_000, version: 2 });
    expect(await ranking(f.keyword)).toEqual([
      [f.b, 9_000, [f.id('b1')]],
      [f.a, 10_000, [f.id('a1'), f.id('a2')]],
    ]);

    await publish({ ...a1, price: 12_000, version: 2 });
    expect(await ranking(f.keyword)).toEqual([
      [f.b, 9_000, [f.id('b1')]],
      [f.a, 11_000, [f.id('a2'), f.id('a1')]],
    ]);

    await publish({ ...b1, price: 9_000, stock: 0, version: 3 });
    expect(await ranking(f.keyword)).toEqual([[f.a, 11_000, [f.id('a2'), f.id('a1')]]]);

    await publish({ ...a2, removed: true, stock: 0, version: 2 });
    expect(await ranking(f.keyword)).toEqual([[f.a, 12_000, [f.id('a1')]]]);
    expect((await offersOfGroupByPrice(f.b, 0, 10))?.offers).toEqual([]);
  });

  it('moves a group between keywords when its offers change keywords', async () => {
    const f = fixture();
    const a1 = offer({ offerId: f.id('a1'), groupId: f.a, keywords: [f.keyword] });
    const a2 = offer({ offerId: f.id('a2'), groupId: f.a, keywords: [f.keyword, f.other], price: 20_000 });
    await publish(a1, a2);
    expect(await ranking(f.other)).toEqual([[f.a, 10_000, [f.id('a1'), f.id('a2')]]]);

    // a1 still carries the keyword, so the group stays under it.
    await publish({ ...a2, keywords: [f.other], version: 2 });
    expect((await ranking(f.keyword)).map(([group]) => group)).toEqual([f.a]);

    await publish({ ...a1, keywords: [f.other], version: 2 });
    expect((await search(f.keyword)).groups).toEqual([]);
    expect((await ranking(f.other)).map(([group]) => group)).toEqual([f.a]);
  });

  it('changes nothing when events are replayed or arrive late', async () => {
    const f = fixture();
    const v1 = offer({ offerId: f.id('a1'), groupId: f.a, keywords: [f.keyword], price: 10_000 });
    const v2 = { ...v1, price: 8_000, keywords: [f.other], version: 2 };
    await publish(v1, v2);
    const before = await redisState(f.a, [f.keyword, f.other]);

    expect(await applyOffer(v1)).toBe(false);
    expect(await applyOffer(v2)).toBe(false);
    expect(await redisState(f.a, [f.keyword, f.other])).toEqual(before);
    expect(await ranking(f.other)).toEqual([[f.a, 8_000, [f.id('a1')]]]);
    expect((await search(f.keyword)).groups).toEqual([]);
  });

  it('pages through groups', async () => {
    const f = fixture();
    const offers = Array.from({ length: 5 }, (_, index) =>
      offer({
        offerId: f.id(`o${index}`),
        groupId: `${f.a}${index}`,
        keywords: [f.keyword],
        price: 1_000 * (5 - index),
      }),
    );
    await publish(...offers);
    const first = await search(f.keyword, 2, 0);
    const second = await search(f.keyword, 2, 2);
    expect(first.totalGroups).toBe(5);
    expect(first.groups.map((group) => group.lowestTotalPrice)).toEqual([1_000, 2_000]);
    expect(second.groups.map((group) => group.lowestTotalPrice)).toEqual([3_000, 4_000]);
  });

  it('answers a keyword Redis does not hold from DynamoDB, the same, and warms Redis again', async () => {
    const f = fixture();
    await publish(
      offer({ offerId: f.id('a1'), groupId: f.a, keywords: [f.keyword], price: 9_000, shippingFee: 2_500 }),
      offer({ offerId: f.id('a2'), groupId: f.a, keywords: [f.keyword], price: 10_000 }),
      offer({ offerId: f.id('b1'), groupId: f.b, keywords: [f.keyword], price: 10_500, stock: 0 }),
      offer({ offerId: f.id('b2'), groupId: f.b, keywords: [f.keyword], price: 10_700 }),
    );
    const fromCache = await search(f.keyword);
    expect(fromCache.source).toBe('cache');

    const redis = redisClient();
    const group = groupKeys(f.a);
    await redis.unlink(keywordGroupsKey(f.keyword), group.offers, group.state, group.keywords);
    const fromDatabase = await search(f.keyword);
    expect(fromDatabase).toEqual({ ...fromCache, source: 'database' });

    expect(await search(f.keyword)).toEqual(fromCache);
  });

  it('answers from DynamoDB, the same, while Redis cannot be reached', async () => {
    const f = fixture();
    await publish(
      offer({ offerId: f.id('a1'), groupId: f.a, keywords: [f.keyword], price: 9_000, shippingFee: 2_500 }),
      offer({ offerId: f.id('b1'), groupId: f.b, keywords: [f.keyword], price: 10_700 }),
    );
    const fromCache = await search(f.keyword);
    const groupFromCache = await offersOfGroupByPrice(f.a, 0, 10);
    const redisUrl = process.env.REDIS_URL;
    await closeRedis();
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    try {
      expect(await search(f.keyword)).toEqual({ ...fromCache, source: 'database' });
      expect(await offersOfGroupByPrice(f.a, 0, 10)).toEqual({ ...groupFromCache, source: 'database' });
      expect(await offersOfGroupByPrice(`${f.a}missing`, 0, 10)).toBeUndefined();
    } finally {
      await closeRedis();
      process.env.REDIS_URL = redisUrl;
    }
  });
});

/** Every Redis key of a group and of some keywords, with its contents. */
async function redisState(groupId: string, keywords: string[]) {
  const redis = redisClient();
  const keys = [
    ...(await redis.keys(`*{${groupId}}*`)),
    ...keywords.map((keyword) => keywordGroupsKey(keyword)),
  ].sort();
  const state: Record<string, unknown> = {};
  for (const key of keys) {
    const type = await redis.type(key);
    state[key] =
      type === 'zset'
        ? await redis.zrange(key, 0, '-1', 'WITHSCORES')
        : type === 'hash'
          ? await redis.hgetall(key)
          : type === 'set'
            ? (await redis.smembers(key)).sort()
            : type;
  }
  return state;
}
