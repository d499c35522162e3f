/**
 * Promotions as an admin, a seller and a buyer meet them, through the local Lambda runtime on the real
 * test stack: an admin schedules one, search shows and ranks by its price once the catalog event
 * has reached the cache, checkout charges it and puts it on the order, analytics' promotion report
 * counts the order, and ending it brings the list price back. Only admins manage promotions.
 */
import { randomUUID } from 'node:crypto';
import { closeDynamo } from '../../shared/dynamo/client';
import { findPromotion } from '../../shared/dynamo/promotion-store';
import { closeKafka } from '../../shared/kafka/client';
import { closeRedis } from '../../shared/redis/client';
import { storePromotions } from '../../shared/redis/promotion-cache';
import { loadProfile } from '../../stack/profiles';
import { accessTokenFor } from '../support/auth';
import { offerInput, uniqueToken } from '../support/catalog';
import { eventually } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;
let admin: string;

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
type Answer = { status: number; body: any };

async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers = {},
): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A member who signed up and logged in through the API (checkout needs a real account). */
async function buyer(): Promise<string> {
  const email = `buyer-${randomUUID()}@example.com`;
  const password = 'promotion-passphrase-9';
  const created = await call('POST', '/members', undefined, {
    email,
    password,
    name: 'Buyer',
    birthYear: 1995,
    gender: 'female',
    region: 'incheon',
    accountType: 'member',
  });
  expect(created.status).toBe(201);
  const login = await call('POST', '/auth/login', undefined, { email, password });
  return login.body.accessToken as string;
}

/** A buyer's order of `quantity` units of the offer, paid with the sandbox's approved card. */
const orderOf = (offerId: string, quantity: number) => ({
  items: [{ offerId, quantity }],
  shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '21999', line1: 'Incheon' },
  payment: { method: 'card', cardNumber: '4242424242424242', expiryMonth: 12, expiryYear: 2030 },
});

const everyDay = (groupId: string) => ({
  name: 'Always on',
  schedule: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7] },
  scope: { kind: 'group', groupId },
  discount: { kind: 'percent', percent: 30, maxWon: 10_000 },
  limits: { perMemberUnits: 3 },
});

beforeAll(async () => {
  api = await startOffline();
  admin = await accessTokenFor({ roles: ['member', 'admin'] });
}, 180_000);

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
});

describe('promotions through HTTP', () => {
  it('are priced by search and checkout, counted by analytics, and gone once ended', async () => {
    const t = uniqueToken();
    const keyword = `sale${t}`;
    const groupId = `g${t}`;
    const seller = await accessTokenFor({ memberId: `seller-${t}`, roles: ['seller'] });
    const listed = await call(
      'PUT',
      `/offers/o${t}`,
      seller,
      offerInput({ groupId, keywords: [keyword], price: 20_000, shippingFee: 3_000, stock: 10 }),
    );
    expect(listed.status).toBe(201);
    await call(
      'PUT',
      `/offers/r${t}`,
      seller,
      offerInput({ groupId: `r${t}`, keywords: [keyword], price: 17_000, shippingFee: 3_000, stock: 10 }),
    );

    const created = await call('PUT', `/promotions/p${t}`, admin, everyDay(groupId));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      promotionId: `p${t}`,
      timeZone: 'Asia/Seoul',
      activeNow: true,
      version: 1,
    });

    // The promoted group (14,000 + 3,000) now ranks before the cheaper-listed one (20,000).
    const found = await eventually(
      'the promotional price in search',
      async () => {
        const { body } = await call('GET', `/search?q=${keyword}`);
        return body.groups?.length === 2 && body.groups[0].groupId === groupId ? body : undefined;
      },
      30_000,
    );
    expect(found.groups[0].offers[0]).toMatchObject({
      price: 20_000,
      discount: 6_000,
      promotionId: `p${t}`,
      totalPrice: 17_000,
    });
    expect(found.groups[1]).toMatchObject({ groupId: `r${t}`, lowestTotalPrice: 20_000 });

    const token = await buyer();
    const order = await call('POST', '/orders', token, orderOf(`o${t}`, 2), {
      'idempotency-key': `key-${t}`,
    });
    expect(order.status).toBe(201);
    expect(order.body.amounts).toEqual({ items: 40_000, discount: 12_000, shipping: 3_000, total: 31_000 });
    expect(order.body.items[0]).toMatchObject({ promotionId: `p${t}`, unitDiscount: 6_000 });
    expect((await call('GET', `/promotions/p${t}`, admin)).body.unitsSold).toBe(2);

    const hour = new Date();
    const range = `from=${new Date(hour.getTime() - 3_600_000).toISOString()}&to=${new Date(hour.getTime() + 60_000).toISOString()}`;
    const totals = await eventually(
      'the order in the promotion report',
      async () => {
        const { body } = await call(
          'GET',
          `/analytics/promotions?${range}&granularity=hour&limit=100`,
          admin,
        );
        const series = (body.series ?? []).find((entry: { key: string }) => entry.key === `p${t}`);
        return series?.totals.orders === 1 ? series.totals : undefined;
      },
      40_000,
    );
    expect(totals).toMatchObject({ orders: 1, units: 2, discount: 12_000 });

    expect((await call('DELETE', `/promotions/p${t}`, admin)).status).toBe(204);
    expect((await call('GET', `/promotions/p${t}`, admin)).status).toBe(404);
    // Every function sees the end within the few seconds it remembers the set.
    await eventually(
      'the list price back in search',
      async () => {
        const { body } = await call('GET', `/search?q=${keyword}`);
        return body.groups?.[0]?.groupId === `r${t}` && body.groups[1]?.offers[0]?.discount === 0
          ? true
          : undefined;
      },
      15_000,
    );
  }, 120_000);

  it('never discount an order once ended, even while a cache still holds them', async () => {
    const t = uniqueToken();
    const groupId = `g${t}`;
    const seller = await accessTokenFor({ memberId: `seller-${t}`, roles: ['seller'] });
    const listed = await call(
      'PUT',
      `/offers/e${t}`,
      seller,
      offerInput({ groupId, price: 20_000, shippingFee: 3_000, stock: 10 }),
    );
    expect(listed.status).toBe(201);
    expect((await call('PUT', `/promotions/p${t}`, admin, everyDay(groupId))).status).toBe(201);
    const token = await buyer();
    const order = (key: string) =>
      call('POST', '/orders', token, orderOf(`e${t}`, 1), { 'idempotency-key': `${key}-${t}` });
    // The first order warms checkout's container with the set that holds the promotion. A
    // container that read the set before the promotion existed keeps it up to 5 s: its order is
    // cancelled (its unit back) and another tried, at most one a second.
    let attempts = 0;
    let triedAt = 0;
    const first = await eventually(
      'an order priced with the new promotion',
      async () => {
        if (Date.now() - triedAt < 1_000) return undefined;
        triedAt = Date.now();
        attempts += 1;
        const placed = await order(`first${attempts}`);
        expect(placed.status).toBe(201);
        if (placed.body.amounts.discount === 6_000) return placed;
        expect((await call('POST', `/orders/${placed.body.orderId}/cancel`, token)).status).toBe(200);
        return undefined;
      },
      30_000,
    );
    expect(first.body.items[0].promotionId).toBe(`p${t}`);

    const ended = await findPromotion(`p${t}`);
    expect((await call('DELETE', `/promotions/p${t}`, admin)).status).toBe(204);
    // As a read that had not seen the end yet would fill it: whichever container takes the next
    // order, warm or not, prices it with the promotion.
    await storePromotions(ended ? [ended] : []);
    const stale = await order('second');
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'promotion_ended' } } });
    // The retry is priced without it: the refused attempt dropped the stale set.
    const retried = await order('third');
    expect(retried.status).toBe(201);
    expect(retried.body.amounts).toEqual({ items: 20_000, discount: 0, shipping: 3_000, total: 23_000 });
    expect(retried.body.items[0].promotionId).toBeNull();
    // Only the two orders placed took stock.
    expect((await call('GET', `/offers/e${t}`, seller)).body.stock).toBe(8);
  }, 120_000);

  it('are for admins only, and refuse what they cannot run', async () => {
    const t = uniqueToken();
    const member = await accessTokenFor({ roles: ['member'] });
    expect((await call('PUT', `/promotions/p${t}`, undefined, everyDay('g'))).status).toBe(401);
    const forbidden = await call('PUT', `/promotions/p${t}`, member, everyDay('g'));
    expect(forbidden).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect((await call('GET', '/promotions', member)).status).toBe(403);

    // 400: outside the document's schema; 422: inside it, against a rule it states in words.
    const schemaError = { status: 400, body: { error: { code: 'validation_failed' } } };
    const ruleError = { status: 422, body: { error: { code: 'rule_violated' } } };
    const invalid = [
      [{ ...everyDay('g'), schedule: { kind: 'daily', start: '10:00', end: '10:00' } }, ruleError],
      [{ ...everyDay('g'), schedule: { kind: 'monthly', dates: [32] } }, schemaError],
      [{ ...everyDay('g'), schedule: { kind: 'yearly', from: '02-30', to: '03-01' } }, ruleError],
      [{ ...everyDay('g'), timeZone: 'Mars/Olympus' }, ruleError],
      [{ ...everyDay('g'), discount: { kind: 'percent', percent: 95 } }, schemaError],
      [{ ...everyDay('g'), limits: { totalUnits: 0 } }, schemaError],
      [
        { ...everyDay('g'), validFrom: '2027-01-02T00:00:00+09:00', validUntil: '2027-01-01T00:00:00+09:00' },
        ruleError,
      ],
      [{ ...everyDay('g'), surprise: true }, schemaError],
    ] as const;
    for (const [body, refusal] of invalid) {
      const answer = await call('PUT', `/promotions/p${t}`, admin, body);
      expect(answer).toMatchObject(refusal);
    }
    const malformed = await fetch(`${api.baseUrl}/promotions/p${t}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect((await call('GET', `/promotions/p${t}`, admin)).status).toBe(404);
    expect((await call('DELETE', `/promotions/p${t}`, admin)).status).toBe(404);
    expect((await call('PUT', '/promotions/bad%20id', admin, everyDay('g'))).status).toBe(400);
  });
});

describe('warm capacity ahead of a promotion', () => {
  const { host, lambdaPort } = loadProfile('test');
  // biome-ignore lint/suspicious/noExplicitAny: the runtime's own figures, checked field by field
  const local = async (path: string): Promise<any> =>
    (await fetch(`http://${host}:${lambdaPort}${path}`)).json();
  const hit = ['search-by-keyword', 'search-group-offers', 'checkout-place-order'].map(
    (key) => `peakcart-test-${key}`,
  );

  it('starts containers of the functions its start hits before the start, and plans them away once it is ended', async () => {
    const t = uniqueToken();
    // The test stage asks for its peak (4 containers each) 20 s ahead of a start.
    const start = new Date(Date.now() + 40_000);
    const saved = await call('PUT', `/promotions/warm${t}`, admin, {
      ...everyDay(`g${t}`),
      name: 'Starts soon',
      validFrom: start.toISOString(),
      validUntil: new Date(start.getTime() + 60_000).toISOString(),
    });
    expect(saved.status).toBe(201);
    const windowName = `promotions-${Math.floor(start.getTime() / 1_000)}-`;
    const actions: Array<{ ScheduledActionName: string; ResourceId: string }> =
      await local('/local/scheduled-actions');
    for (const name of hit) {
      expect(actions.map((action) => action.ScheduledActionName)).toContain(`${windowName}${name}-peak`);
    }
    const warmed = await eventually(
      'containers started ahead of the start',
      async () => {
        const stats = await local('/local/stats');
        return hit.every((name) => stats[name].provisioned === 4 && stats[name].containers >= 4)
          ? stats
          : undefined;
      },
      35_000,
    );
    expect(Date.now()).toBeLessThan(start.getTime());
    for (const name of hit) expect(warmed[name].containers).toBeGreaterThanOrEqual(4);

    expect((await call('DELETE', `/promotions/warm${t}`, admin)).status).toBe(204);
    const after: Array<{ ScheduledActionName: string }> = await local('/local/scheduled-actions');
    expect(after.filter((action) => action.ScheduledActionName.startsWith(windowName))).toEqual([]);
  }, 90_000);
});
