/**
 * Search's DynamoDB fallback (Redis unreachable) reads a bounded amount whatever the keyword: its
 * memberships up to a bound and the offers of at most `fallbackGroupReads` groups plus the page's,
 * not every group the keyword finds, and still ranks the page right.
 */

import { closeDynamo, dynamoClient } from '../../shared/dynamo/client';
import { offerItems, writeItems } from '../../shared/dynamo/offer-store';
import { closeRedis } from '../../shared/redis/client';
import { fallbackGroupReads, lowestPriceByKeyword } from '../../shared/search/lowest-price';
import { offer, uniqueToken } from '../support/catalog';

const previousUrl = process.env.REDIS_URL;
/** The group queries (the catalog's gsi1) sent since the test began. */
let groupReads = 0;

beforeAll(async () => {
  await closeRedis();
  process.env.REDIS_URL = 'redis://127.0.0.1:1';
  dynamoClient().middlewareStack.add(
    (next) => async (args) => {
      if ((args.input as { IndexName?: string }).IndexName === 'gsi1') groupReads += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countGroupReads' },
  );
});

afterAll(async () => {
  process.env.REDIS_URL = previousUrl;
  await closeRedis();
  closeDynamo();
});

describe('search from DynamoDB', () => {
  it('reads a bounded number of groups for a keyword with many, and ranks the page as the cache would', async () => {
    const t = uniqueToken();
    const keyword = `many${t}`;
    const groups = fallbackGroupReads + 50;
    // Group n's offers cost 100,000 + 10 n and 200,000 + 10 n: the cheapest groups are the first.
    const offers = Array.from({ length: groups }, (_, n) => [
      offer({ offerId: `a${n}${t}`, groupId: `g${n}${t}`, keywords: [keyword], price: 100_000 + 10 * n }),
      offer({ offerId: `b${n}${t}`, groupId: `g${n}${t}`, keywords: [keyword], price: 200_000 + 10 * n }),
    ]).flat();
    await writeItems(offers.flatMap(offerItems));

    groupReads = 0;
    // Far from any promotion other tests may have left live.
    const now = new Date('2099-01-01T00:00:00Z');
    const first = await lowestPriceByKeyword({ keyword, offset: 0, limit: 20, offersPerGroup: 2, now });
    expect(first.source).toBe('database');
    expect(first.totalGroups).toBe(groups);
    expect(first.groups.map((group) => group.groupId)).toEqual(
      Array.from({ length: 20 }, (_, n) => `g${n}${t}`),
    );
    expect(first.groups[0]?.offers.map((o) => o.offerId)).toEqual([`a0${t}`, `b0${t}`]);
    expect(groupReads).toBeLessThanOrEqual(fallbackGroupReads);

    // A page beyond the ranking reads: its own groups are read as well.
    groupReads = 0;
    const last = await lowestPriceByKeyword({
      keyword,
      offset: groups - 10,
      limit: 10,
      offersPerGroup: 1,
      now,
    });
    expect(last.groups.map((group) => group.groupId)).toEqual(
      Array.from({ length: 10 }, (_, n) => `g${groups - 10 + n}${t}`),
    );
    expect(last.groups.map((group) => group.lowestTotalPrice)).toEqual(
      Array.from({ length: 10 }, (_, n) => 100_000 + 10 * (groups - 10 + n)),
    );
    expect(groupReads).toBeLessThanOrEqual(fallbackGroupReads + 10);
  });
});
