/**
 * Every Redis adapter against the cluster profile's three primaries: each multi-key script,
 * transaction and pipeline must keep to one hash slot, or the cluster refuses it (CROSSSLOT, or
 * ioredis's own refusal of a pipeline across slots) and the test fails. Adapters that fall back to
 * the container's memory on a Redis error log it; no test here may see such a line, and each checks
 * that its state is in Redis.
 */
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { marketplaceDay } from '../../shared/domain/search';
import { logger } from '../../shared/logger';
import {
  closeRedis,
  connectedRedis,
  hashTag,
  isRedisCluster,
  type RedisClient,
  scanKeys,
} from '../../shared/redis/client';
import { groupKeys, partnerQuotaKey } from '../../shared/redis/keys';
import {
  countSearch,
  popularKeywords,
  relatedKeywords,
  suggestedKeywords,
} from '../../shared/redis/keyword-insights';
import { enterEssential, essentialInFlight, leaveEssential } from '../../shared/redis/load';
import { admitLoginAttempt, loginGuardKeys, loginSucceeded } from '../../shared/redis/login-guard';
import { takePartnerToken } from '../../shared/redis/partner-quota';
import {
  applyOffer,
  clearPriceCache,
  groupIsCached,
  groupsOffers,
  keywordGroupScores,
  keywordGroups,
  rememberEmptyKeyword,
} from '../../shared/redis/price-cache';
import {
  cachedPromotions,
  forgetPromotions,
  markExhausted,
  storePromotions,
} from '../../shared/redis/promotion-cache';
import { giveBack, passGate } from '../../shared/redis/stock-gate';
import { clientBucketKey, takeClientToken } from '../../shared/redis/token-bucket';
import { offer, uniqueToken } from '../support/catalog';

let redis: RedisClient;
let warn: jest.SpyInstance;

beforeAll(async () => {
  redis = await connectedRedis();
  // Every primary's connection open before the tests count fallbacks: a command sent while the
  // client still opens a node's connection failed with "Connection is closed." on a fresh cluster.
  if (redis instanceof Cluster) await Promise.all(redis.nodes('master').map((node) => node.ping()));
});

beforeEach(() => {
  warn = jest.spyOn(logger, 'warn');
});

afterEach(() => {
  // A fallback to the container's memory would hide a refused command.
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
});

afterAll(async () => {
  await closeRedis();
});

function primaries(): ReturnType<Cluster['nodes']> {
  if (!(redis instanceof Cluster)) throw new Error('REDIS_CLUSTER is not true: run npm run test:cluster');
  return redis.nodes('master');
}

/** How many primaries hold at least one of the keys. */
async function primariesHolding(keys: readonly string[]): Promise<number> {
  const holding = await Promise.all(
    primaries().map(async (node) => {
      const found = await Promise.all(keys.map((key) => node.exists(key).catch(() => 0)));
      return found.some((count) => count === 1);
    }),
  );
  return holding.filter(Boolean).length;
}

describe('the cluster profile', () => {
  it('is a cluster of three primaries that refuses a command across slots', async () => {
    expect(isRedisCluster()).toBe(true);
    expect(primaries()).toHaveLength(3);
    await expect(redis.mget('a-key', 'another-key')).rejects.toThrow(/CROSSSLOT/);
    // Keys of one hash tag are one slot.
    const tag = hashTag(uniqueToken());
    expect(await redis.mget(`x:${tag}:1`, `x:${tag}:2`)).toEqual([null, null]);
  });
});

describe('price cache', () => {
  const t = uniqueToken();
  const keyword = `kw${t}`;
  const other = `오${t}`;
  const groups = Array.from({ length: 12 }, (_, index) => `g${t}-${index}`);
  const applyFirstGroupPastItsPage = async () => {
    for (let n = 0; n < 11; n += 1) {
      await applyOffer(
        offer({
          offerId: `p${t}-${n}`,
          groupId: groups[0] as string,
          keywords: [keyword],
          price: 20_000 + n,
        }),
      );
    }
  };

  it('applies offers, answers keyword pages, group pages and scores, and spreads groups over the primaries', async () => {
    for (const [index, groupId] of groups.entries()) {
      await applyOffer(
        offer({
          offerId: `o${t}-${index}`,
          groupId,
          keywords: [keyword, other],
          price: 10_000 + index * 100,
        }),
      );
    }
    // More offers of the first group, past the group's rendered first page, read by the script.
    await applyFirstGroupPastItsPage();
    const page = await keywordGroups(keyword, 0, 5);
    expect(page?.totalGroups).toBe(12);
    expect(page?.groups.map((group) => group.groupId)).toEqual(groups.slice(0, 5));
    expect(await keywordGroupScores(other, [groups[1] as string, 'missing'])).toEqual([10_100, null]);

    const [first, second] = await groupsOffers(groups.slice(0, 2), 0, 10);
    expect(first?.offerCount).toBe(12);
    expect(first?.offers).toHaveLength(10);
    expect(second?.offers.map((o) => o.offerId)).toEqual([`o${t}-1`]);
    const [rest] = await groupsOffers([groups[0] as string], 10, 5);
    expect(rest?.offers.map((o) => o.offerId)).toEqual([`p${t}-9`, `p${t}-10`]);
    expect(await groupIsCached(groups[3] as string)).toBe(true);

    expect(await primariesHolding(groups.map((groupId) => groupKeys(groupId).state))).toBeGreaterThan(1);
  });

  it('moves a group out of a keyword it lost, and remembers a keyword that finds nothing', async () => {
    const groupId = groups[2] as string;
    await applyOffer(offer({ offerId: `o${t}-2`, groupId, keywords: [keyword], price: 10_200, version: 2 }));
    expect(await keywordGroupScores(other, [groupId])).toEqual([null]);
    expect(await redis.scard(groupKeys(groupId).dropped)).toBe(0);

    const nothing = `none${t}`;
    expect(await keywordGroups(nothing, 0, 5)).toBeUndefined();
    await rememberEmptyKeyword(nothing);
    expect(await keywordGroups(nothing, 0, 5)).toEqual({ groups: [], totalGroups: 0 });
  });

  it('suggests listed keywords and counts searches: popular, related, suggestions, on several slots', async () => {
    const visitor = `v${t}`;
    const at = new Date();
    expect(await countSearch({ eventId: randomUUID(), keyword: other, resultCount: 3, visitor, at })).toBe(
      true,
    );
    const again = { eventId: randomUUID(), keyword, resultCount: 3, visitor, at };
    expect(await countSearch(again)).toBe(true);
    expect(await countSearch(again)).toBe(false);

    const popular = await popularKeywords(marketplaceDay(at), 1_000);
    expect(popular).toEqual(
      expect.arrayContaining([
        { keyword, searches: 1 },
        { keyword: other, searches: 1 },
      ]),
    );
    expect(await relatedKeywords(keyword, 5)).toEqual([other]);
    expect(await relatedKeywords(other, 5)).toEqual([keyword]);
    expect(await suggestedKeywords(`kw${t.slice(0, 2)}`, 1_000)).toContain(keyword);
    // Longer than the indexed prefixes: filtered from the longest one.
    expect(await suggestedKeywords(keyword, 5)).toEqual([keyword]);
  });

  it('clears every price-cache key from every primary, and a rebuild answers as before', async () => {
    const before = await keywordGroups(keyword, 0, 20);
    expect(await clearPriceCache()).toBeGreaterThan(0);
    const left: string[] = [];
    for (const pattern of ['group:*', 'offer:*', 'keyword:*'])
      for await (const keys of scanKeys(pattern)) left.push(...keys);
    expect(left).toEqual([]);
    expect(await keywordGroups(keyword, 0, 20)).toBeUndefined();
    for (const [index, groupId] of groups.entries()) {
      await applyOffer(
        offer({
          offerId: `o${t}-${index}`,
          groupId,
          keywords: index === 2 ? [keyword] : [keyword, other],
          price: 10_000 + index * 100,
          version: 2,
        }),
      );
    }
    await applyFirstGroupPastItsPage();
    expect(await keywordGroups(keyword, 0, 20)).toEqual(before);
  });
});

describe('login guard', () => {
  it("checks and counts an account's counters in one script and the address's in another, in Redis", async () => {
    const policy = { pairLimit: 3, accountCeiling: 100, addressLimit: 100, lockSeconds: 60 };
    const email = `${uniqueToken()}@example.com`;
    const ip = `10.${Math.floor(Math.random() * 250)}.0.1`;
    const admissions = [];
    for (let n = 0; n < 4; n += 1) admissions.push(await admitLoginAttempt(email, ip, policy));
    expect(admissions.map((admission) => admission.lockOnFailureMs > 0)).toEqual([false, false, true, false]);
    expect(admissions[3]?.lockedMs).toBeGreaterThan(55_000);
    const keys = loginGuardKeys(email, ip);
    expect(await redis.get(keys.address)).toBe('3');
    await loginSucceeded(email, ip);
    expect([await redis.exists(keys.pair), await redis.sismember(keys.known, ip)]).toEqual([0, 1]);
    expect(await redis.get(keys.address)).toBe('2');
  });
});

describe('token buckets', () => {
  it("takes from a client's and a partner's bucket in Redis until they are empty", async () => {
    const client = { clientClass: 'anonymous' as const, id: `10.9.${Math.floor(Math.random() * 250)}.7` };
    const policy = { perSecond: 1, burst: 2 };
    const decisions = [];
    for (let n = 0; n < 3; n += 1) decisions.push(await takeClientToken(client, policy));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, false]);
    expect(Number(await redis.hget(clientBucketKey(client), 'tokens'))).toBeLessThan(1);

    const partnerId = `p-${uniqueToken()}`;
    expect((await takePartnerToken(partnerId, policy)).allowed).toBe(true);
    expect(await redis.exists(partnerQuotaKey(partnerId))).toBe(1);
  });
});

describe('stock gate', () => {
  it('takes every line or none, and gives units back, with each offer on its own slot', async () => {
    const t = uniqueToken();
    const lines = Array.from({ length: 6 }, (_, index) => ({
      offerId: `s${t}-${index}`,
      quantity: 2,
      stock: 3,
    }));
    expect(await passGate(lines)).toBe('passed');
    const counts = lines.map((line) => `stock:${hashTag(line.offerId)}`);
    expect(await Promise.all(counts.map((key) => redis.get(key)))).toEqual(lines.map(() => '1'));
    expect(await primariesHolding(counts)).toBeGreaterThan(1);
    // The last line is short: the others are given back.
    expect(
      await passGate([
        ...lines.slice(0, 5).map((line) => ({ ...line, quantity: 1 })),
        lines[5] as (typeof lines)[0],
      ]),
    ).toBe('sold_out');
    expect(await Promise.all(counts.map((key) => redis.get(key)))).toEqual(lines.map(() => '1'));
    await giveBack(lines);
    expect(await Promise.all(counts.map((key) => redis.get(key)))).toEqual(lines.map(() => '3'));
  });
});

describe('promotion cache', () => {
  it('reads the set and the sold-out promotions in one pipeline', async () => {
    await forgetPromotions();
    expect(await cachedPromotions()).toBeUndefined();
    await storePromotions([]);
    const promotionId = `pr-${uniqueToken()}`;
    await markExhausted(promotionId, true);
    expect((await cachedPromotions())?.exhausted.has(promotionId)).toBe(true);
    await markExhausted(promotionId, false);
    expect((await cachedPromotions())?.exhausted.has(promotionId)).toBe(false);
  });
});

describe('load', () => {
  it('counts essential invocations across containers in one transaction', async () => {
    const invocation = randomUUID();
    const before = await essentialInFlight();
    await enterEssential(invocation);
    expect(await essentialInFlight()).toBe(before + 1);
    await leaveEssential(invocation);
    expect(await essentialInFlight()).toBe(before);
  });
});
