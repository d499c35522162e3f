/**
 * Catalog and search as sellers, shoppers and partner sites meet them: offers listed over HTTP,
 * the Kafka-triggered cache updater, search answered from Redis, and from DynamoDB while Redis is
 * stopped — all on the real test stack through the local Lambda runtime.
 */

import { offerEvent } from '../../shared/catalog/offers';
import type { Offer } from '../../shared/domain/catalog';
import { closeDynamo } from '../../shared/dynamo/client';
import { createPartner } from '../../shared/dynamo/partner-store';
import { closeKafka } from '../../shared/kafka/client';
import { publishEvents } from '../../shared/kafka/events';
import { closeRedis } from '../../shared/redis/client';
import { redis as redisComponent } from '../../stack/components/redis';
import { loadProfile } from '../../stack/profiles';
import { down, up } from '../../stack/stack';
import { accessTokenFor } from '../support/auth';
import { offerInput, uniqueToken } from '../support/catalog';
import { eventually } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;
let sellerToken: string;
let otherSellerToken: string;
const sellerId = `seller-${uniqueToken()}`;

beforeAll(async () => {
  [api, sellerToken, otherSellerToken] = await Promise.all([
    startOffline(),
    accessTokenFor({ memberId: sellerId, roles: ['member', 'seller'] }),
    accessTokenFor({ memberId: `other-${uniqueToken()}`, roles: ['member', 'seller'] }),
  ]);
}, 120_000);

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
});

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T = Record<string, unknown>>(path: string, init: RequestInit = {}): Promise<Answer<T>> {
  const response = await fetch(`${api.baseUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

/** The version each offer was last written at here: a seller replaces an offer at the version it read. */
const writtenVersions = new Map<string, number>();

async function putOffer(offerId: string, body: unknown, token = sellerToken): Promise<Answer<Offer>> {
  const expectedVersion = writtenVersions.get(offerId);
  const sent =
    expectedVersion !== undefined && typeof body === 'object' && body !== null
      ? { ...body, expectedVersion }
      : body;
  const answer = await call<Offer>(`/offers/${offerId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(sent),
  });
  if (answer.status < 300) writtenVersions.set(offerId, answer.body.version);
  return answer;
}

interface SearchBody {
  totalGroups: number;
  nextOffset: number | null;
  source: string;
  related: string[];
  groups: Array<{
    groupId: string;
    lowestTotalPrice: number;
    offerCount: number;
    offers: Array<{ offerId: string; totalPrice: number }>;
  }>;
}

const search = (keyword: string, extra = '') =>
  call<SearchBody>(`/search?q=${encodeURIComponent(keyword)}${extra}`);

/** What a shopper sees for a keyword: each group with its lowest total and its offers in order. */
async function ranking(keyword: string) {
  const { status, body } = await search(keyword);
  expect(status).toBe(200);
  return body.groups.map((group) => [
    group.groupId,
    group.lowestTotalPrice,
    group.offers.map((o) => o.offerId),
  ]);
}

/** Waits until search shows exactly this ranking (the Kafka trigger runs asynchronously). */
async function expectRanking(keyword: string, expected: unknown[]) {
  let last: unknown;
  await eventually(`search for ${keyword} to show ${JSON.stringify(expected)}`, async () => {
    last = await ranking(keyword);
    return JSON.stringify(last) === JSON.stringify(expected);
  }).catch(() => expect(last).toEqual(expected));
}

function fixture() {
  const t = uniqueToken();
  return { keyword: `kw${t}`, a: `ga${t}`, b: `gb${t}`, id: (name: string) => `${name}${t}` };
}

describe('listing offers and searching them', () => {
  it('ranks groups by lowest total price and each group’s offers by total, shipping included', async () => {
    const f = fixture();
    const listed = await Promise.all([
      putOffer(
        f.id('a1'),
        offerInput({ groupId: f.a, keywords: [f.keyword], price: 9_000, shippingFee: 3_000 }),
      ),
      putOffer(f.id('a2'), offerInput({ groupId: f.a, keywords: [f.keyword.toUpperCase()], price: 10_000 })),
      putOffer(f.id('b1'), offerInput({ groupId: f.b, keywords: [f.keyword], price: 10_500 })),
    ]);
    expect(listed.map((answer) => answer.status)).toEqual([201, 201, 201]);
    expect(listed[1]?.body).toMatchObject({ sellerId, version: 1, keywords: [f.keyword] });

    await expectRanking(f.keyword, [
      [f.a, 10_000, [f.id('a2'), f.id('a1')]],
      [f.b, 10_500, [f.id('b1')]],
    ]);
    const group = await call<{ offers: Array<{ offerId: string; sellerId: string; shippingFee: number }> }>(
      `/groups/${f.a}/offers`,
    );
    expect(group.status).toBe(200);
    expect(group.body.offers).toEqual([
      expect.objectContaining({ offerId: f.id('a2'), sellerId, shippingFee: 0, totalPrice: 10_000 }),
      expect.objectContaining({ offerId: f.id('a1'), sellerId, shippingFee: 3_000, totalPrice: 12_000 }),
    ]);
  });

  it('re-ranks after a price drop, a rise above the next offer, a sell-out and a removal', async () => {
    const f = fixture();
    const a1 = offerInput({ groupId: f.a, keywords: [f.keyword], price: 10_000 });
    const a2 = offerInput({ groupId: f.a, keywords: [f.keyword], price: 11_000 });
    const b1 = offerInput({ groupId: f.b, keywords: [f.keyword], price: 10_500 });
    await Promise.all([putOffer(f.id('a1'), a1), putOffer(f.id('a2'), a2), putOffer(f.id('b1'), b1)]);
    await expectRanking(f.keyword, [
      [f.a, 10_000, [f.id('a1'), f.id('a2')]],
      [f.b, 10_500, [f.id('b1')]],
    ]);

    expect((await putOffer(f.id('b1'), { ...b1, price: 9_000 })).status).toBe(200);
    await expectRanking(f.keyword, [
      [f.b, 9_000, [f.id('b1')]],
      [f.a, 10_000, [f.id('a1'), f.id('a2')]],
    ]);

    await putOffer(f.id('a1'), { ...a1, price: 12_000 });
    await expectRanking(f.keyword, [
      [f.b, 9_000, [f.id('b1')]],
      [f.a, 11_000, [f.id('a2'), f.id('a1')]],
    ]);

    await putOffer(f.id('b1'), { ...b1, price: 9_000, stock: 0 });
    await expectRanking(f.keyword, [[f.a, 11_000, [f.id('a2'), f.id('a1')]]]);

    const removed = await call(`/offers/${f.id('a2')}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${sellerToken}` },
    });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ removed: true, stock: 0 });
    await expectRanking(f.keyword, [[f.a, 12_000, [f.id('a1')]]]);
  });

  it('changes nothing when catalog events are delivered again, old ones included', async () => {
    const f = fixture();
    const versions: Offer[] = [];
    const input = offerInput({ groupId: f.a, keywords: [f.keyword], price: 10_000 });
    versions.push((await putOffer(f.id('a1'), input)).body);
    versions.push((await putOffer(f.id('a1'), { ...input, price: 8_000 })).body);
    versions.push(
      (await putOffer(f.id('b1'), offerInput({ groupId: f.b, keywords: [f.keyword], price: 9_000 }))).body,
    );
    const expected = [
      [f.a, 8_000, [f.id('a1')]],
      [f.b, 9_000, [f.id('b1')]],
    ];
    await expectRanking(f.keyword, expected);

    // The same events again, in their order, then one more offer per group: the updater handles a
    // group's events in order (one partition per group), so once the extra offers show, the
    // replayed ones were handled too, and must have left the ranking as it was.
    await publishEvents(
      'catalogEvents',
      versions.map((version) => offerEvent(version, new Date())),
    );
    await putOffer(f.id('a9'), offerInput({ groupId: f.a, keywords: [f.keyword], price: 50_000 }));
    await putOffer(f.id('b9'), offerInput({ groupId: f.b, keywords: [f.keyword], price: 60_000 }));
    await expectRanking(f.keyword, [
      [f.a, 8_000, [f.id('a1'), f.id('a9')]],
      [f.b, 9_000, [f.id('b1'), f.id('b9')]],
    ]);
  });

  it('pages through groups, learns related keywords and suggests known keywords by prefix', async () => {
    const f = fixture();
    const other = `${f.keyword}other`;
    await Promise.all([
      ...[1, 2, 3].map((n) =>
        putOffer(
          f.id(`p${n}`),
          offerInput({ groupId: `${f.a}${n}`, keywords: [f.keyword], price: 1_000 * n }),
        ),
      ),
      putOffer(f.id('o1'), offerInput({ groupId: f.b, keywords: [other] })),
    ]);
    await eventually('three groups', async () => (await search(f.keyword)).body.totalGroups === 3);
    const page = await search(f.keyword, '&limit=2&offset=2');
    expect(page.body).toMatchObject({ totalGroups: 3, nextOffset: null });
    expect(page.body.groups.map((group) => group.lowestTotalPrice)).toEqual([3_000]);
    expect((await search(f.keyword, '&limit=2')).body.nextOffset).toBe(2);

    const session = { 'x-session-id': `session-${f.id('s')}` };
    await call(`/search?q=${f.keyword}`, { headers: session });
    await call(`/search?q=${other}`, { headers: session });
    await eventually('related keywords', async () => (await search(f.keyword)).body.related.includes(other));

    const suggest = await eventually('suggestions', async () => {
      const answer = await call<{ suggestions: string[] }>(`/search/suggest?prefix=${f.keyword.slice(0, 8)}`);
      return answer.body.suggestions.includes(f.keyword) ? answer : undefined;
    });
    expect(suggest.status).toBe(200);
    const popular = await call<{ keywords: Array<{ keyword: string }> }>('/search/popular?limit=50');
    expect(popular.status).toBe(200);
  });
});

describe('the partner API', () => {
  it('needs a known API key, answers the cheapest offer per group with its URL, and enforces the quota', async () => {
    const f = fixture();
    await putOffer(
      f.id('a1'),
      offerInput({ groupId: f.a, keywords: [f.keyword], price: 5_000, url: 'https://seller.example/a1' }),
    );
    await putOffer(f.id('a2'), offerInput({ groupId: f.a, keywords: [f.keyword], price: 6_000 }));
    await eventually('the offers', async () => (await search(f.keyword)).body.totalGroups === 1);
    // One token per 4 s: a slow first request (a cold function) cannot refill the bucket mid-test.
    const { apiKey } = await createPartner(`partner ${f.id('')}`, { perSecond: 0.25, burst: 3 });
    const lowestPrice = (key?: string) =>
      call<{ results: unknown[]; error?: { code: string } }>(
        `/partner/v1/lowest-price?keyword=${f.keyword}`,
        {
          headers: key ? { 'x-api-key': key } : {},
        },
      );

    expect((await lowestPrice()).body.error?.code).toBe('invalid_api_key');
    expect((await lowestPrice('pcp_not-a-key')).status).toBe(401);

    const allowed = await Promise.all([lowestPrice(apiKey), lowestPrice(apiKey), lowestPrice(apiKey)]);
    expect(allowed.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(allowed[0]?.body.results).toEqual([
      expect.objectContaining({
        groupId: f.a,
        offerId: f.id('a1'),
        totalPrice: 5_000,
        url: 'https://seller.example/a1',
      }),
    ]);
    const refused = await lowestPrice(apiKey);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('too_many_requests');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(4);

    // Internal search is not subject to partner quotas.
    expect((await search(f.keyword)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
    expect((await lowestPrice(apiKey)).status).toBe(200);
  });
});

describe('bad requests', () => {
  const code = (answer: { body: unknown }) => (answer.body as { error?: { code?: string } }).error?.code;

  it.each([
    ['an empty keyword', '/search?q=', 'validation_failed'],
    ['a blank keyword', '/search?q=%20%20', 'validation_failed'],
    ['a 10 KB keyword', `/search?q=${'x'.repeat(10_240)}`, 'validation_failed'],
    ['a negative limit', '/search?q=laptop&limit=-1', 'validation_failed'],
    ['a limit that is not a number', '/search?q=laptop&limit=ten', 'validation_failed'],
    ['an unknown parameter', '/search?q=laptop&sort=price', 'validation_failed'],
    ['a malformed group id', '/groups/bad%7Bid%7D/offers', 'validation_failed'],
    ['a missing prefix', '/search/suggest', 'validation_failed'],
    ['a malformed day', '/search/popular?day=yesterday', 'validation_failed'],
  ])('%s gets 400', async (_, path, expected) => {
    const answer = await call(path);
    expect(answer.status).toBe(400);
    expect(code(answer)).toBe(expected);
  });

  it('an unknown group gets 404', async () => {
    const answer = await call(`/groups/never-${uniqueToken()}/offers`);
    expect(answer.status).toBe(404);
    expect(code(answer)).toBe('not_found');
  });

  it('listing needs a seller token, valid fields and the offer’s own seller', async () => {
    const f = fixture();
    const valid = offerInput({ groupId: f.a, keywords: [f.keyword] });
    const anonymous = await call(`/offers/${f.id('x')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(valid),
    });
    expect(anonymous.status).toBe(401);
    const buyer = await accessTokenFor({ memberId: `buyer-${f.id('')}`, roles: ['member'] });
    expect((await putOffer(f.id('x'), valid, buyer)).status).toBe(403);

    for (const invalid of [
      { ...valid, price: -1 },
      { ...valid, stock: 1.5 },
      { ...valid, price: '100' },
      { ...valid, discount: 5 },
      { ...valid, title: 'x'.repeat(201) },
    ]) {
      const answer = await putOffer(f.id('x'), invalid);
      expect([answer.status, code(answer)]).toEqual([400, 'validation_failed']);
    }
    const malformed = await call(`/offers/${f.id('x')}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${sellerToken}`, 'content-type': 'application/json' },
      body: '{"groupId":',
    });
    expect([malformed.status, code(malformed)]).toEqual([400, 'malformed_json']);

    expect((await putOffer(f.id('x'), valid)).status).toBe(201);
    const stolen = await putOffer(f.id('x'), { ...valid, price: 1 }, otherSellerToken);
    expect([stolen.status, code(stolen)]).toEqual([403, 'forbidden']);
    const moved = await putOffer(f.id('x'), { ...valid, groupId: f.b });
    expect([moved.status, code(moved)]).toEqual([409, 'group_change_not_allowed']);
    const unknown = await call(`/offers/${f.id('none')}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${sellerToken}` },
    });
    expect([unknown.status, code(unknown)]).toEqual([404, 'not_found']);
  });
});

describe('with Redis stopped', () => {
  const profile = loadProfile('test');

  afterAll(async () => {
    await up(profile, () => undefined, [redisComponent]);
  }, 60_000);

  it('search answers the same from DynamoDB, without a single 5xx, and Redis is warmed again after', async () => {
    const f = fixture();
    await putOffer(
      f.id('a1'),
      offerInput({ groupId: f.a, keywords: [f.keyword], price: 9_000, shippingFee: 2_500 }),
    );
    await putOffer(f.id('a2'), offerInput({ groupId: f.a, keywords: [f.keyword], price: 12_000 }));
    await putOffer(f.id('b1'), offerInput({ groupId: f.b, keywords: [f.keyword], price: 11_000 }));
    const expected = [
      [f.b, 11_000, [f.id('b1')]],
      [f.a, 11_500, [f.id('a1'), f.id('a2')]],
    ];
    await expectRanking(f.keyword, expected);
    const { apiKey } = await createPartner(`partner ${f.id('')}`, { perSecond: 10, burst: 10 });

    await down(profile, () => undefined, [redisComponent]);
    const answers = [
      await search(f.keyword),
      await call(`/groups/${f.a}/offers`),
      await call(`/partner/v1/lowest-price?keyword=${f.keyword}`, { headers: { 'x-api-key': apiKey } }),
      await call(`/search/suggest?prefix=${f.keyword}`),
      await call('/search/popular'),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[0]?.body).toMatchObject({ source: 'database', totalGroups: 2 });
    expect(await ranking(f.keyword)).toEqual(expected);
    expect(answers[3]?.body).toMatchObject({ source: 'database', suggestions: [f.keyword] });

    await up(profile, () => undefined, [redisComponent]);
    // The restarted Redis is empty: the first search answers from DynamoDB and warms it.
    await eventually('an answer after Redis is back', async () => (await search(f.keyword)).status === 200);
    const warmed = await eventually('an answer from the cache again', async () => {
      const answer = await search(f.keyword);
      return answer.body.source === 'cache' ? answer : undefined;
    });
    expect(warmed.status).toBe(200);
    expect(await ranking(f.keyword)).toEqual(expected);
  });
});
