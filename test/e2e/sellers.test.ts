/**
 * Seller standing as sellers, buyers and admins meet it, through the local Lambda runtime on the
 * real test stack: orders placed, shipped on time and late (the test stage's deadline is 14.4 s),
 * cancelled and returned show in the seller's own standing; a seller reads no other's; complaints
 * only from buyers, once per line; a suspended seller's offers leave search and come back.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { createPartner } from '../../shared/dynamo/partner-store';
import { closeKafka } from '../../shared/kafka/client';
import { sandboxCards } from '../../shared/payments/sandbox';
import { closeRedis } from '../../shared/redis/client';
import { rememberedMs } from '../../shared/search/suspended-sellers';
import { accessTokenFor } from '../support/auth';
import { offerInput, uniqueToken } from '../support/catalog';
import { eventually } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  body: any;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function account(accountType: 'member' | 'seller') {
  const email = `${accountType}-${randomUUID()}@example.com`;
  const password = 'standing-passphrase-7';
  const created = await call('POST', '/members', {
    email,
    password,
    name: '김서연',
    birthYear: 1990,
    gender: 'female',
    region: 'seoul',
    accountType,
  });
  expect(created.status).toBe(201);
  const login = await call('POST', '/auth/login', { email, password });
  return {
    memberId: created.body.memberId as string,
    auth: { authorization: `Bearer ${login.body.accessToken}` },
  };
}

type Account = Awaited<ReturnType<typeof account>>;
let sellerA: Account;
let sellerB: Account;
let buyer: Account;
let stranger: Account;
let admin: { authorization: string };

beforeAll(async () => {
  api = await startOffline();
  [sellerA, sellerB, buyer, stranger] = await Promise.all([
    account('seller'),
    account('seller'),
    account('member'),
    account('member'),
  ]);
  admin = { authorization: `Bearer ${await accessTokenFor({ roles: ['member', 'admin'] })}` };
}, 120_000);

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
});

const keyword = `standing${uniqueToken()}`;
const groupId = `g${uniqueToken()}`;

async function listOffer(who: Account, price: number) {
  const offerId = `o${uniqueToken()}`;
  const answer = await call(
    'PUT',
    `/offers/${offerId}`,
    offerInput({ groupId, keywords: [keyword], price, stock: 50, unitCost: price / 2 }),
    who.auth,
  );
  expect(answer.status).toBe(201);
  return offerId;
}

async function placeOrder(offerId: string, quantity: number, who = buyer) {
  const placed = await call(
    'POST',
    '/orders',
    {
      items: [{ offerId, quantity }],
      shippingAddress: {
        recipient: '김서연',
        phone: '010-1234-5678',
        postalCode: '04524',
        line1: '서울 중구 세종대로 110',
      },
      payment: { method: 'card', cardNumber: sandboxCards.approved, expiryMonth: 12, expiryYear: 2030 },
    },
    { ...who.auth, 'idempotency-key': `key-${randomUUID()}` },
  );
  expect(placed.status).toBe(201);
  return placed.body.orderId as string;
}

const ship = (orderId: string, status: 'shipped' | 'delivered', who = sellerA) =>
  call('PUT', `/orders/${orderId}/shipments/${who.memberId}`, { status }, who.auth);

let offerA: string;
let shippedOrder: string;

describe('a seller standing', () => {
  it("shows the seller's orders, cancellation, returns by reason, and on-time and late shipments", async () => {
    offerA = await listOffer(sellerA, 10_000);
    shippedOrder = await placeOrder(offerA, 2);
    expect((await ship(shippedOrder, 'shipped')).status).toBe(200);
    const late = await placeOrder(offerA, 1);
    const latePaidAt = Date.now();
    const cancelled = await placeOrder(offerA, 1);
    expect((await ship(shippedOrder, 'delivered')).status).toBe(200);
    const returned = await call(
      'POST',
      `/orders/${shippedOrder}/returns`,
      { lines: [{ offerId: offerA, quantity: 1 }], reason: 'Broken on arrival' },
      buyer.auth,
    );
    expect(returned.status).toBe(200);
    expect((await call('POST', `/orders/${cancelled}/cancel`, undefined, buyer.auth)).status).toBe(200);
    // Past the test stage's deadline (14.4 s after the payment) that order is shipped late.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, latePaidAt + 15_000 - Date.now())));
    expect((await ship(late, 'shipped')).status).toBe(200);

    const standing = await eventually(
      'the standing',
      async () => {
        const { status, body } = await call('GET', '/sellers/me/standing', undefined, sellerA.auth);
        return status === 200 && body.orders === 3 && body.shipments === 2 && body.returnedUnits === 1
          ? body
          : undefined;
      },
      60_000,
    );
    expect(standing).toMatchObject({
      sellerId: sellerA.memberId,
      windowDays: 30,
      orders: 3,
      units: 4,
      cancellations: 1,
      cancellationRate: 0.3333,
      returnRequests: 1,
      returnedUnits: 1,
      returnRate: 0.25,
      returnsByReason: [{ reason: 'broken on arrival', units: 1, rate: 0.25 }],
      shipments: 2,
      overdueShipments: 0,
      lateShipments: 1,
      lateShipmentRate: 0.5,
      // 40,000 of sales at half cost, less the cancelled order's 10,000 (cost 5,000).
      margin: 15_000,
      complaints: 0,
      suspension: { suspended: false, byPolicy: false },
    });
    expect(standing.grade).toMatch(/^[ABCD]$/);
  }, 120_000);

  it("is the seller's own: another seller reads only its own, and only admins read any", async () => {
    const own = await call('GET', '/sellers/me/standing', undefined, sellerB.auth);
    expect(own).toMatchObject({
      status: 200,
      body: { sellerId: sellerB.memberId, orders: 0, grade: null, adQualityFactor: 1 },
    });
    const other = await call('GET', `/sellers/${sellerA.memberId}/standing`, undefined, sellerB.auth);
    expect(other).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const asAdmin = await call('GET', `/sellers/${sellerA.memberId}/standing`, undefined, admin);
    expect(asAdmin).toMatchObject({ status: 200, body: { sellerId: sellerA.memberId, orders: 3 } });
    expect((await call('GET', `/sellers/${buyer.memberId}/standing`, undefined, admin)).status).toBe(404);
    expect((await call('GET', '/sellers/me/standing', undefined, buyer.auth)).status).toBe(403);
  });
});

describe('complaints', () => {
  const complain = (who: Account, orderId: string, offerId = offerA) =>
    call(
      'POST',
      `/offers/${offerId}/complaints`,
      { orderId, kind: 'counterfeit', detail: 'The logo is misspelt' },
      who.auth,
    );

  it('come only from the buyer of a paid order of the offer, once per order line, and count in the standing', async () => {
    const filed = await complain(buyer, shippedOrder);
    expect(filed).toMatchObject({
      status: 201,
      body: { orderId: shippedOrder, offerId: offerA, sellerId: sellerA.memberId, kind: 'counterfeit' },
    });
    expect(filed.body).not.toHaveProperty('memberId');
    expect(await complain(buyer, shippedOrder)).toMatchObject({
      status: 409,
      body: { error: { code: 'complaint_exists' } },
    });
    expect(await complain(stranger, shippedOrder)).toMatchObject({
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    const otherOffer = await listOffer(sellerB, 12_000);
    expect(await complain(buyer, shippedOrder, otherOffer)).toMatchObject({ status: 404 });
    expect(await complain(buyer, randomUUID())).toMatchObject({ status: 404 });
    const bad = await call(
      'POST',
      `/offers/${offerA}/complaints`,
      { orderId: shippedOrder, kind: 'rude' },
      buyer.auth,
    );
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });

    const { body } = await call('GET', '/sellers/me/standing', undefined, sellerA.auth);
    expect(body).toMatchObject({ complaints: 1, complaintsByKind: { counterfeit: 1, not_as_described: 0 } });
  });

  it('keep their count and lose their buyer and words when the buyer withdraws', async () => {
    const leaver = await account('member');
    const orderId = await placeOrder(offerA, 1, leaver);
    expect((await complain(leaver, orderId)).status).toBe(201);
    expect((await call('DELETE', '/members/me', undefined, leaver.auth)).status).toBe(204);
    const key = { pk: `COMPLAINT#${orderId}`, sk: offerA };
    const item = await eventually(
      'the complaint anonymised',
      async () => {
        const { Item } = await dynamoClient().send(
          new GetCommand({ TableName: tableName('sellers'), Key: key }),
        );
        return Item && !('memberId' in Item) ? Item : undefined;
      },
      40_000,
    );
    expect(item).toMatchObject({
      sellerId: sellerA.memberId,
      kind: 'counterfeit',
      erasedAt: expect.any(String),
    });
    expect(item).not.toHaveProperty('detail');
    const { body } = await call('GET', '/sellers/me/standing', undefined, sellerA.auth);
    expect(body.complaints).toBe(2);
  }, 60_000);
});

describe('the standing policy', () => {
  it('is validated and versioned', async () => {
    const current = await call('GET', '/sellers/standing-policy', undefined, admin);
    expect(current.status).toBe(200);
    const version = current.body.version as number;
    const invalid = await call(
      'PUT',
      '/sellers/standing-policy',
      { suspendOffers: true, suspendAtOrBelow: 'A' },
      admin,
    );
    expect(invalid).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    const stale = await call(
      'PUT',
      '/sellers/standing-policy',
      { suspendOffers: false, suspendAtOrBelow: 'D', expectedVersion: version + 5 },
      admin,
    );
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'policy_version_mismatch' } } });
    // Left off, so that grades suspend no seller of the other test files.
    const set = await call(
      'PUT',
      '/sellers/standing-policy',
      { suspendOffers: false, suspendAtOrBelow: 'C', expectedVersion: version },
      admin,
    );
    expect(set).toMatchObject({
      status: 200,
      body: { suspendOffers: false, suspendAtOrBelow: 'C', version: version + 1 },
    });
    expect((await call('PUT', '/sellers/standing-policy', set.body, sellerA.auth)).status).toBe(403);
  });
});

describe('suspension', () => {
  const offersInSearch = async () => {
    const { body } = await call('GET', `/search?q=${keyword}`);
    return (body.groups as { offers: { sellerId: string }[] }[]).flatMap((group) =>
      group.offers.map((offer) => offer.sellerId),
    );
  };
  const partnerCheapest = async (apiKey: string) => {
    const { body } = await call('GET', `/partner/v1/lowest-price?keyword=${keyword}`, undefined, {
      'x-api-key': apiKey,
    });
    return (body.results as { sellerId: string }[]).map((result) => result.sellerId);
  };
  const offersOfGroup = async () => {
    const { body } = await call('GET', `/groups/${groupId}/offers`);
    return (body.offers as { sellerId: string }[]).map((offer) => offer.sellerId);
  };

  it("takes a seller's offers out of search within the documented time, and reinstatement brings them back", async () => {
    const { apiKey } = await createPartner(`partner ${uniqueToken()}`, { perSecond: 100, burst: 100 });
    await eventually('both sellers in search', async () => {
      const sellers = await offersInSearch();
      return sellers.includes(sellerA.memberId) && sellers.includes(sellerB.memberId);
    });
    // A's offer is the cheaper of the group: what partners get.
    expect(await partnerCheapest(apiKey)).toEqual([sellerA.memberId]);
    const suspended = await call(
      'PUT',
      `/sellers/${sellerA.memberId}/suspension`,
      { reason: 'Counterfeit goods' },
      admin,
    );
    expect(suspended).toMatchObject({
      status: 200,
      body: { sellerId: sellerA.memberId, reason: 'Counterfeit goods' },
    });
    const at = Date.now();
    await eventually('seller A gone from search and the group', async () => {
      const [search, group] = await Promise.all([offersInSearch(), offersOfGroup()]);
      return (
        !search.includes(sellerA.memberId) &&
        !group.includes(sellerA.memberId) &&
        group.includes(sellerB.memberId)
      );
    });
    // Each container remembers the set for rememberedMs; allow for a request in flight.
    expect(Date.now() - at).toBeLessThan(rememberedMs + 2_000);
    const { body } = await call('GET', '/sellers/me/standing', undefined, sellerA.auth);
    expect(body).toMatchObject({
      suspension: { suspended: true, manual: { reason: 'Counterfeit goods' } },
      adQualityFactor: 0,
    });

    expect((await call('DELETE', `/sellers/${sellerA.memberId}/suspension`, undefined, admin)).status).toBe(
      204,
    );
    expect(await call('DELETE', `/sellers/${sellerA.memberId}/suspension`, undefined, admin)).toMatchObject({
      status: 409,
      body: { error: { code: 'not_suspended' } },
    });
    await eventually('seller A back in search', async () =>
      (await offersInSearch()).includes(sellerA.memberId),
    );
    expect(await offersOfGroup()).toContain(sellerA.memberId);
  }, 60_000);
});
