/**
 * Checkout as buyers and sellers meet it, through the local Lambda runtime on the real test stack:
 * orders paid with the sandbox gateway's test cards, stock that can never be oversold, retries
 * that never charge twice, the order's life after payment, and events that survive Kafka being
 * down.
 */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Consumer } from 'kafkajs';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { topics } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { relayPending } from '../../shared/outbox/outbox';
import { sandbox, sandboxCards } from '../../shared/payments/sandbox';
import { closeRedis } from '../../shared/redis/client';
import { kafka as kafkaComponent } from '../../stack/components/kafka';
import { loadProfile } from '../../stack/profiles';
import { down, up } from '../../stack/stack';
import { authorizationFor } from '../support/auth';
import { offerInput, uniqueToken } from '../support/catalog';
import { eventually, testKafka } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;
let watcher: Consumer;
const orderEvents: { key: string; event: { id: string; type: string; data: Record<string, unknown> } }[] = [];

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  body: any;
  headers: Headers;
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
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

async function account(accountType: 'member' | 'seller') {
  const email = `${accountType}-${randomUUID()}@example.com`;
  const password = 'checkout-passphrase-7';
  const created = await call('POST', '/members', {
    email,
    password,
    name: '이도윤',
    birthYear: 1988,
    gender: 'male',
    region: 'daejeon',
    accountType,
  });
  expect(created.status).toBe(201);
  const login = await call('POST', '/auth/login', { email, password });
  return {
    memberId: created.body.memberId as string,
    auth: { authorization: `Bearer ${login.body.accessToken}` },
  };
}

let seller: Awaited<ReturnType<typeof account>>;
let buyer: Awaited<ReturnType<typeof account>>;

beforeAll(async () => {
  watcher = testKafka.consumer({ groupId: `e2e-checkout-${randomUUID()}` });
  await watcher.connect();
  await watcher.subscribe({ topic: topics.orderEvents as string, fromBeginning: true });
  await watcher.run({
    eachMessage: async ({ message }) => {
      // The topic also holds the records other tests make unreadable on purpose.
      let event: (typeof orderEvents)[number]['event'];
      try {
        event = JSON.parse(message.value?.toString() ?? '');
      } catch {
        return;
      }
      orderEvents.push({ key: message.key?.toString() ?? '', event });
    },
  });
  api = await startOffline();
  [seller, buyer] = await Promise.all([account('seller'), account('member')]);
}, 120_000);

afterAll(async () => {
  await watcher?.disconnect();
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
});

async function listOffer(overrides: Parameters<typeof offerInput>[0], who = seller) {
  const offerId = `o${uniqueToken()}`;
  const answer = await call('PUT', `/offers/${offerId}`, offerInput(overrides), who.auth);
  expect(answer.status).toBe(201);
  return offerId;
}

async function stockOf(offerId: string, who = seller): Promise<number> {
  const answer = await call('GET', `/offers/${offerId}`, undefined, who.auth);
  expect(answer).toMatchObject({ status: 200, body: { stock: expect.any(Number) } });
  return answer.body.stock;
}

function orderBody(
  items: { offerId: string; quantity: number }[],
  cardNumber: string = sandboxCards.approved,
) {
  return {
    items,
    shippingAddress: {
      recipient: '이도윤',
      phone: '010-1234-5678',
      postalCode: '34126',
      line1: '대전 유성구 대학로 99',
    },
    payment: { method: 'card', cardNumber, expiryMonth: 12, expiryYear: 2030 },
  };
}

const order = (body: unknown, key = `key-${randomUUID()}`, who = buyer) =>
  call('POST', '/orders', body, { ...who.auth, 'idempotency-key': key });

const eventsOf = (orderId: string) =>
  orderEvents.filter((entry) => entry.key === orderId).map((entry) => entry.event);

describe('placing an order', () => {
  it('charges catalog prices with shipping once per seller, and goes all the way to delivered', async () => {
    const group = `g${uniqueToken()}`;
    const a = await listOffer({
      groupId: group,
      price: 12_000,
      shippingFee: 3_000,
      stock: 5,
      unitCost: 8_000,
    });
    const b = await listOffer({ groupId: `${group}b`, price: 5_000, shippingFee: 2_500, stock: 5 });
    const placed = await order(
      orderBody([
        { offerId: a, quantity: 2 },
        { offerId: b, quantity: 1 },
      ]),
    );
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      status: 'paid',
      amounts: { items: 29_000, discount: 0, shipping: 3_000, total: 32_000 },
      payment: { method: 'card', last4: '4242', refunded: 0 },
    });
    expect(placed.body.items[0]).not.toHaveProperty('unitCost');
    const { orderId } = placed.body;
    expect(await stockOf(a)).toBe(3);
    expect(await stockOf(b)).toBe(4);

    for (const status of ['shipped', 'delivered']) {
      const moved = await call(
        'PUT',
        `/orders/${orderId}/shipments/${seller.memberId}`,
        { status, trackingNumber: 'CJ123456789' },
        seller.auth,
      );
      expect(moved).toMatchObject({ status: 200, body: { shipment: { status } } });
    }
    const mine = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(mine.body).toMatchObject({
      status: 'delivered',
      version: 4,
      shipments: [
        {
          sellerId: seller.memberId,
          status: 'delivered',
          shippingFee: 3_000,
          trackingNumber: 'CJ123456789',
          events: [
            { status: 'shipped', trackingNumber: 'CJ123456789' },
            { status: 'delivered', trackingNumber: 'CJ123456789' },
          ],
        },
      ],
      returns: [],
    });

    const events = await eventually('the order events', () => {
      const found = eventsOf(orderId);
      return found.length >= 4 ? found : undefined;
    });
    expect(events.map((event) => event.type)).toEqual([
      'OrderPlaced',
      'OrderPaid',
      'OrderShipped',
      'OrderDelivered',
    ]);
    expect(events[1]?.data).toMatchObject({
      orderId,
      memberId: buyer.memberId,
      version: 2,
      items: [
        expect.objectContaining({
          offerId: a,
          sellerId: seller.memberId,
          groupId: group,
          quantity: 2,
          unitPrice: 12_000,
          unitCost: 8_000,
          promotionId: null,
        }),
        expect.objectContaining({ offerId: b, quantity: 1 }),
      ],
      amounts: { total: 32_000 },
      buyer: {
        ageBand: expect.stringMatching(/^\d+s$/),
        gender: 'male',
        region: 'daejeon',
        amountBand: '10k-50k',
      },
    });
    const payment = await dynamoClient().send(
      new GetCommand({ TableName: tableName('payments'), Key: { pk: `PAYMENT#${orderId}`, sk: 'PAYMENT' } }),
    );
    expect(payment.Item).toMatchObject({ state: 'captured', amount: 32_000, last4: '4242' });
    expect(JSON.stringify(payment.Item)).not.toContain(sandboxCards.approved);
  });

  it.each([
    ['declined', sandboxCards.declined, 'card_declined'],
    ['insufficient funds', sandboxCards.insufficientFunds, 'insufficient_funds'],
    ['a timeout that never reached the gateway', sandboxCards.lateArrival, 'voided'],
  ])('gives the stock back when the payment fails: %s', async (_name, card, reason) => {
    const offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock: 3 });
    const failed = await order(orderBody([{ offerId, quantity: 2 }], card));
    expect(failed).toMatchObject({
      status: 402,
      body: { error: { code: 'payment_declined', details: [{ message: reason }] } },
    });
    expect(await stockOf(offerId)).toBe(3);
    const orderId = failed.headers.get('location')?.split('/').pop() ?? '';
    expect((await call('GET', `/orders/${orderId}`, undefined, buyer.auth)).body).toMatchObject({
      status: 'payment_failed',
    });
  });

  it('settles a timeout whose payment did go through as paid, charged once', async () => {
    const offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock: 3, price: 7_000 });
    const placed = await order(orderBody([{ offerId, quantity: 1 }], sandboxCards.lateAnswer));
    expect(placed).toMatchObject({ status: 201, body: { status: 'paid' } });
    expect(await stockOf(offerId)).toBe(2);
  });

  it('answers a retry with the same key with the same order, charged once; another body with that key is refused', async () => {
    const offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock: 5, price: 10_000 });
    const key = `retry-${randomUUID()}`;
    const body = orderBody([{ offerId, quantity: 1 }]);
    const answers = await Promise.all([order(body, key), order(body, key)]);
    const again = await order(body, key);
    const ids = new Set([...answers, again].filter((a) => a.status < 300).map((a) => a.body.orderId));
    expect(ids.size).toBe(1);
    expect(again).toMatchObject({ status: 200 });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    for (const answer of answers) expect([200, 201, 409]).toContain(answer.status);
    expect(await stockOf(offerId)).toBe(4);

    const other = await order(orderBody([{ offerId, quantity: 2 }]), key);
    expect(other).toMatchObject({ status: 422, body: { error: { code: 'idempotency_key_reused' } } });
    expect(await stockOf(offerId)).toBe(4);
  });

  it('keeps every digest of the card out of the idempotency record; another card with the same key is the same request', async () => {
    const offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock: 5, price: 10_000 });
    const body = orderBody([{ offerId, quantity: 1 }]);
    const key = `card-${randomUUID()}`;
    const placed = await order(body, key);
    expect(placed.status).toBe(201);
    const claimOf = async (idempotencyKey: string) =>
      (
        await dynamoClient().send(
          new GetCommand({
            TableName: tableName('idempotency'),
            Key: { pk: `ORDER-REQUEST#${buyer.memberId}#${idempotencyKey}`, sk: 'CLAIM' },
            ConsistentRead: true,
          }),
        )
      ).Item;
    const claim = await claimOf(key);
    expect(claim?.orderId).toBe(placed.body.orderId);
    const stored = JSON.stringify(claim);
    const pan = sandboxCards.approved;
    expect(stored).not.toContain(pan);
    // Neither the body's digest (which holds the card number) nor the card number's own, in any encoding.
    for (const input of [JSON.stringify(body), pan]) {
      const digest = createHash('sha256').update(input).digest();
      for (const encoding of ['hex', 'base64', 'base64url'] as const) {
        expect(stored).not.toContain(digest.toString(encoding));
      }
    }
    // Nothing stored depends on the card: a request differing only in its card, under another key,
    // is recorded with the same digest.
    const otherKey = `card-${randomUUID()}`;
    const declined = await order(orderBody([{ offerId, quantity: 1 }], sandboxCards.declined), otherKey);
    expect(declined.status).toBe(402);
    expect((await claimOf(otherKey))?.requestHash).toBe(claim?.requestHash);
    // As documented, a retry with the first key and another card answers the first order, charged once.
    const retried = await order(orderBody([{ offerId, quantity: 1 }], sandboxCards.insufficientFunds), key);
    expect(retried).toMatchObject({ status: 200, body: { orderId: placed.body.orderId, status: 'paid' } });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(await stockOf(offerId)).toBe(4);
  });

  it('never sells more than there is: 200 buyers at once for 10 units', async () => {
    const offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock: 10, price: 1_000 });
    let throttled = 0;
    // Beyond place-order's reserved concurrency the gateway answers 429; a buyer's client retries
    // with the same key, as it would against API Gateway.
    const buy = async () => {
      const key = `key-${randomUUID()}`;
      for (;;) {
        const answer = await order(orderBody([{ offerId, quantity: 1 }]), key);
        if (answer.status !== 429) return answer;
        expect(answer.body.error.code).toBe('too_many_requests');
        throttled += 1;
        await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
      }
    };
    const answers = await Promise.all(Array.from({ length: 200 }, buy));
    const statuses = answers.map((answer) => answer.status);
    expect(throttled).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'out_of_stock')).toBe(
      true,
    );
    expect(await stockOf(offerId)).toBe(0);
  }, 120_000);
});

describe('a seller changing stock while buyers order', () => {
  const offerOf = async (offerId: string) =>
    (await call('GET', `/offers/${offerId}`, undefined, seller.auth)).body;
  const replace = (offerId: string, input: ReturnType<typeof offerInput>, expectedVersion?: number) =>
    call(
      'PUT',
      `/offers/${offerId}`,
      expectedVersion === undefined ? input : { ...input, expectedVersion },
      seller.auth,
    );

  it('never restores units sold after the version the seller read', async () => {
    const input = offerInput({ groupId: `g${uniqueToken()}`, stock: 10, price: 10_000 });
    const offerId = `o${uniqueToken()}`;
    expect((await call('PUT', `/offers/${offerId}`, input, seller.auth)).status).toBe(201);
    const read = await offerOf(offerId);
    expect(read).toMatchObject({ stock: 10, version: 1 });

    expect((await order(orderBody([{ offerId, quantity: 3 }]))).status).toBe(201);
    // The seller's page still says 10: a new price with that stock would sell the 3 units again.
    const stale = await replace(offerId, { ...input, price: 9_000 }, read.version);
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'offer_version_mismatch' } } });
    const blind = await replace(offerId, { ...input, price: 9_000 });
    expect(blind).toMatchObject({ status: 428, body: { error: { code: 'offer_version_required' } } });
    expect(await offerOf(offerId)).toMatchObject({ stock: 7, price: 10_000 });

    const fresh = await offerOf(offerId);
    const replaced = await replace(
      offerId,
      { ...input, price: 9_000, stock: fresh.stock + 5 },
      fresh.version,
    );
    expect(replaced).toMatchObject({
      status: 200,
      body: { stock: 12, price: 9_000, version: fresh.version + 1 },
    });
  });

  it('neither oversells nor resurrects sold units when orders race a restock', async () => {
    const input = offerInput({ groupId: `g${uniqueToken()}`, stock: 6, price: 10_000 });
    const offerId = `o${uniqueToken()}`;
    expect((await call('PUT', `/offers/${offerId}`, input, seller.auth)).status).toBe(201);
    // The seller adds 4 units the way a seller's tool would: read, add, write at that version,
    // reading again when orders came first.
    const restock = async () => {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const current = await offerOf(offerId);
        const answer = await replace(offerId, { ...input, stock: current.stock + 4 }, current.version);
        if (answer.status === 200) return attempt;
        expect(answer).toMatchObject({ status: 409 });
      }
      throw new Error('the restock never went through');
    };
    // A buyer's client retries with its Idempotency-Key when the platform is busy (429 beyond the
    // reserved concurrency, 502 when a cold container did not answer in time).
    const buy = async () => {
      const key = `race-${randomUUID()}`;
      for (;;) {
        const answer = await order(orderBody([{ offerId, quantity: 1 }]), key);
        if (answer.status !== 429 && answer.status !== 502) return answer;
      }
    };
    const [answers] = await Promise.all([Promise.all(Array.from({ length: 12 }, buy)), restock()]);
    const sold = answers.filter((answer) => answer.status === 201).length;
    for (const answer of answers) expect([201, 409]).toContain(answer.status);
    // 6 listed and 4 added: never more sold than that, and every unit sold is gone from the stock.
    expect(sold).toBeLessThanOrEqual(10);
    expect(await stockOf(offerId)).toBe(10 - sold);
  });
});

describe('after payment', () => {
  async function paidOrder(stock = 5) {
    const offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock, price: 20_000, shippingFee: 0 });
    const placed = await order(orderBody([{ offerId, quantity: 2 }]));
    expect(placed.status).toBe(201);
    return { offerId, orderId: placed.body.orderId as string };
  }
  const deliver = async (orderId: string, status: string) =>
    call('PUT', `/orders/${orderId}/shipments/${seller.memberId}`, { status }, seller.auth);
  const complete = (orderId: string, returnId: string, who = seller) =>
    call('POST', `/orders/${orderId}/returns/${returnId}/complete`, undefined, who.auth);

  it('cancels before shipping with a refund and the stock back; cannot cancel twice into anything else', async () => {
    const { offerId, orderId } = await paidOrder();
    expect(await stockOf(offerId)).toBe(3);
    const cancelled = await call('POST', `/orders/${orderId}/cancel`, undefined, buyer.auth);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', payment: { refunded: 40_000 } });
    expect(await stockOf(offerId)).toBe(5);
    expect((await deliver(orderId, 'shipped')).body.error.code).toBe('illegal_transition');
    const payment = await dynamoClient().send(
      new GetCommand({ TableName: tableName('payments'), Key: { pk: `PAYMENT#${orderId}`, sk: 'PAYMENT' } }),
    );
    expect(payment.Item).toMatchObject({ refunded: 40_000 });
  });

  it('refuses to cancel a shipped order, then returns it with a refund and exchanges another', async () => {
    const { offerId, orderId } = await paidOrder();
    await deliver(orderId, 'shipped');
    const late = await call('POST', `/orders/${orderId}/cancel`, undefined, buyer.auth);
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'illegal_transition' } } });
    const lines = [{ offerId, quantity: 2 }];
    const early = await call(
      'POST',
      `/orders/${orderId}/returns`,
      { lines, reason: 'too small' },
      buyer.auth,
    );
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'not_delivered' } } });
    await deliver(orderId, 'delivered');
    const requested = await call(
      'POST',
      `/orders/${orderId}/returns`,
      { lines, reason: 'too small' },
      buyer.auth,
    );
    expect(requested.body).toMatchObject({
      status: 'return_requested',
      returns: [{ kind: 'return', offerId, quantity: 2, reason: 'too small', status: 'requested' }],
    });
    const { returnId } = requested.body.returns[0];
    const returned = await complete(orderId, returnId);
    expect(returned).toMatchObject({
      status: 200,
      body: { return: { status: 'completed', refund: { items: 40_000, shipping: 0, total: 40_000 } } },
    });
    // Completing again repeats nothing: the same refund id is paid back once.
    expect((await complete(orderId, returnId)).status).toBe(200);
    const after = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(after.body).toMatchObject({ status: 'returned', payment: { refunded: 40_000 } });
    expect(await stockOf(offerId)).toBe(5);
    const payment = await dynamoClient().send(
      new GetCommand({ TableName: tableName('payments'), Key: { pk: `PAYMENT#${orderId}`, sk: 'PAYMENT' } }),
    );
    expect(payment.Item).toMatchObject({ refunded: 40_000 });

    const second = await paidOrder();
    await deliver(second.orderId, 'shipped');
    await deliver(second.orderId, 'delivered');
    const exchange = await call(
      'POST',
      `/orders/${second.orderId}/exchanges`,
      { lines: [{ offerId: second.offerId, quantity: 1 }], reason: 'wrong colour' },
      buyer.auth,
    );
    expect(exchange.body.status).toBe('exchange_requested');
    const exchanged = await complete(second.orderId, exchange.body.returns[0].returnId);
    expect(exchanged.body.return).toMatchObject({ kind: 'exchange', status: 'completed' });
    expect(exchanged.body.return).not.toHaveProperty('refund');
    expect((await call('GET', `/orders/${second.orderId}`, undefined, buyer.auth)).body.status).toBe(
      'exchanged',
    );
    expect((await deliver(second.orderId, 'delivered')).status).toBe(409);
    expect(await stockOf(second.offerId)).toBe(3);
  });

  it('shows a buyer only their own orders, newest first and paged', async () => {
    const other = await account('member');
    const { orderId } = await paidOrder();
    expect((await call('GET', `/orders/${orderId}`, undefined, other.auth)).status).toBe(404);
    expect((await call('POST', `/orders/${orderId}/cancel`, undefined, other.auth)).status).toBe(404);
    expect((await deliver(orderId, 'shipped')).status).toBe(200);
    const stranger = await account('seller');
    for (const sellerId of [seller.memberId, stranger.memberId]) {
      const moved = await call(
        'PUT',
        `/orders/${orderId}/shipments/${sellerId}`,
        { status: 'delivered' },
        stranger.auth,
      );
      expect(moved).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    }

    const first = await call('GET', '/orders?limit=2', undefined, buyer.auth);
    expect(first.body.orders).toHaveLength(2);
    expect(first.body.orders[0].placedAt >= first.body.orders[1].placedAt).toBe(true);
    const next = await call('GET', `/orders?limit=2&cursor=${first.body.nextCursor}`, undefined, buyer.auth);
    expect(next.status).toBe(200);
    expect(next.body.orders[0].orderId).not.toBe(first.body.orders[1].orderId);
    const stolen = await call('GET', `/orders?cursor=${first.body.nextCursor}`, undefined, other.auth);
    expect(stolen).toMatchObject({ status: 422, body: { error: { code: 'invalid_cursor' } } });
    expect((await call('GET', '/orders', undefined, other.auth)).body.orders).toEqual([]);
  });
});

describe('an open market: each seller ships and refunds only its own part', () => {
  let sellerA: Awaited<ReturnType<typeof account>>;
  let sellerB: Awaited<ReturnType<typeof account>>;
  beforeAll(async () => {
    [sellerA, sellerB] = await Promise.all([account('seller'), account('seller')]);
  });
  const ship = (orderId: string, sellerId: string, status: string, who: typeof sellerA) =>
    call(
      'PUT',
      `/orders/${orderId}/shipments/${sellerId}`,
      { status, trackingNumber: `T-${status}` },
      who.auth,
    );
  const paymentOf = async (orderId: string) =>
    (
      await dynamoClient().send(
        new GetCommand({
          TableName: tableName('payments'),
          Key: { pk: `PAYMENT#${orderId}`, sk: 'PAYMENT' },
        }),
      )
    ).Item;

  it("keeps seller A's hands off seller B's television: shipping, delivery, returns and refunds per line", async () => {
    const cheap = await listOffer(
      { groupId: `g${uniqueToken()}`, price: 1, shippingFee: 0, stock: 5 },
      sellerA,
    );
    const tv = await listOffer(
      { groupId: `g${uniqueToken()}`, price: 1_500_000, shippingFee: 5_000, stock: 5, unitCost: 1_000_000 },
      sellerB,
    );
    const placed = await order(
      orderBody([
        { offerId: cheap, quantity: 1 },
        { offerId: tv, quantity: 2 },
      ]),
    );
    expect(placed.body).toMatchObject({
      status: 'paid',
      amounts: { total: 3_005_001 },
      shipments: [
        { sellerId: sellerA.memberId, status: 'preparing', shippingFee: 0 },
        { sellerId: sellerB.memberId, status: 'preparing', shippingFee: 5_000 },
      ],
    });
    const { orderId } = placed.body;

    // A moves only its own shipment, and learns nothing of B's.
    const own = await ship(orderId, sellerA.memberId, 'shipped', sellerA);
    expect(own).toMatchObject({
      status: 200,
      body: { shipment: { sellerId: sellerA.memberId, status: 'shipped' } },
    });
    expect(JSON.stringify(own.body)).not.toContain(sellerB.memberId);
    const foreign = await ship(orderId, sellerB.memberId, 'shipped', sellerA);
    expect(foreign).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(JSON.stringify(foreign.body)).not.toContain('1500000');
    expect((await ship(orderId, sellerA.memberId, 'delivered', sellerA)).status).toBe(200);
    let mine = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(mine.body.status).toBe('shipped');
    expect(mine.body.shipments[1]).toMatchObject({ status: 'preparing' });

    // The television is not delivered: it cannot be returned yet.
    const early = await call(
      'POST',
      `/orders/${orderId}/returns`,
      { lines: [{ offerId: tv, quantity: 1 }], reason: 'cracked' },
      buyer.auth,
    );
    expect(early).toMatchObject({ status: 409, body: { error: { code: 'not_delivered' } } });
    expect((await ship(orderId, sellerB.memberId, 'shipped', sellerB)).status).toBe(200);
    expect((await ship(orderId, sellerB.memberId, 'delivered', sellerB)).status).toBe(200);
    mine = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(mine.body.status).toBe('delivered');

    // The buyer returns A's item and one television; each seller completes only its own line.
    const requested = await call(
      'POST',
      `/orders/${orderId}/returns`,
      {
        lines: [
          { offerId: cheap, quantity: 1 },
          { offerId: tv, quantity: 1 },
        ],
        reason: 'changed my mind',
      },
      buyer.auth,
    );
    expect(requested.body.status).toBe('return_requested');
    const returnOf = (offerId: string) =>
      requested.body.returns.find((r: { offerId: string }) => r.offerId === offerId).returnId as string;
    const complete = (returnId: string, who: typeof sellerA) =>
      call('POST', `/orders/${orderId}/returns/${returnId}/complete`, undefined, who.auth);
    expect((await complete(returnOf(tv), sellerA)).status).toBe(404);
    const tvStock = await stockOf(tv, sellerB);
    const cheapBack = await complete(returnOf(cheap), sellerA);
    expect(cheapBack.body.return).toMatchObject({ refund: { items: 1, shipping: 0, total: 1 } });
    expect(await stockOf(tv, sellerB)).toBe(tvStock);
    expect((await paymentOf(orderId))?.refunded).toBe(1);

    const tvBack = await complete(returnOf(tv), sellerB);
    expect(tvBack.body.return).toMatchObject({ refund: { items: 1_500_000, shipping: 0, total: 1_500_000 } });
    expect(await stockOf(tv, sellerB)).toBe(tvStock + 1);
    mine = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(mine.body).toMatchObject({ status: 'partially_returned', payment: { refunded: 1_500_001 } });

    // Returns of a line add up to at most what was bought; the last one pays B's shipping back.
    const tooMany = await call(
      'POST',
      `/orders/${orderId}/returns`,
      { lines: [{ offerId: tv, quantity: 2 }], reason: 'both' },
      buyer.auth,
    );
    expect(tooMany).toMatchObject({ status: 409, body: { error: { code: 'quantity_exceeded' } } });
    const last = await call(
      'POST',
      `/orders/${orderId}/returns`,
      { lines: [{ offerId: tv, quantity: 1 }], reason: 'the other one too' },
      buyer.auth,
    );
    const lastId = last.body.returns.at(-1).returnId;
    expect((await complete(lastId, sellerB)).body.return).toMatchObject({
      refund: { items: 1_500_000, shipping: 5_000, total: 1_505_000 },
    });
    mine = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(mine.body).toMatchObject({ status: 'returned', payment: { refunded: 3_005_001 } });
    expect(await paymentOf(orderId)).toMatchObject({
      state: 'captured',
      amount: 3_005_001,
      refunded: 3_005_001,
    });
    expect(await stockOf(tv, sellerB)).toBe(tvStock + 2);

    const events = await eventually('the return events', () => {
      const found = eventsOf(orderId).filter((event) => event.type === 'OrderReturned');
      return found.length >= 3 ? found : undefined;
    });
    expect(events.map((event) => event.data.returned)).toEqual(
      expect.arrayContaining([
        { offerId: cheap, quantity: 1, amount: 1, shipping: 0 },
        { offerId: tv, quantity: 1, amount: 1_500_000, shipping: 0 },
        { offerId: tv, quantity: 1, amount: 1_500_000, shipping: 5_000 },
      ]),
    );
  });

  it('answers two sellers shipping at once, each its own shipment; a courier (admin) moves any', async () => {
    const a = await listOffer({ groupId: `g${uniqueToken()}`, price: 1_000, stock: 5 }, sellerA);
    const b = await listOffer({ groupId: `g${uniqueToken()}`, price: 2_000, stock: 5 }, sellerB);
    const placed = await order(
      orderBody([
        { offerId: a, quantity: 1 },
        { offerId: b, quantity: 1 },
      ]),
    );
    const { orderId } = placed.body;
    const moves = await Promise.all([
      ship(orderId, sellerA.memberId, 'shipped', sellerA),
      ship(orderId, sellerB.memberId, 'shipped', sellerB),
    ]);
    expect(moves.map((move) => move.status)).toEqual([200, 200]);
    const mine = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(mine.body.shipments.map((s: { status: string }) => s.status)).toEqual(['shipped', 'shipped']);
    expect(mine.body.version).toBe(4);
    const courier = {
      memberId: `courier-${randomUUID()}`,
      auth: await authorizationFor({ memberId: `courier-${randomUUID()}`, roles: ['member', 'admin'] }),
    };
    const delivered = await ship(orderId, sellerB.memberId, 'delivered', courier);
    expect(delivered).toMatchObject({
      status: 200,
      body: { shipment: { sellerId: sellerB.memberId, status: 'delivered' } },
    });
  });

  it('refuses a seller buying its own offer, taking nothing', async () => {
    const tv = await listOffer({ groupId: `g${uniqueToken()}`, price: 1_500_000, stock: 3 }, sellerB);
    const own = await order(orderBody([{ offerId: tv, quantity: 1 }]), `key-${randomUUID()}`, sellerB);
    expect(own).toMatchObject({ status: 403, body: { error: { code: 'own_offer' } } });
    expect(await stockOf(tv, sellerB)).toBe(3);
    const other = await order(orderBody([{ offerId: tv, quantity: 1 }]), `key-${randomUUID()}`, sellerA);
    expect(other.status).toBe(201);
  });

  it('reads and moves an order stored before shipments existed', async () => {
    const a = await listOffer(
      { groupId: `g${uniqueToken()}`, price: 10_000, shippingFee: 0, stock: 5 },
      sellerA,
    );
    const b = await listOffer(
      { groupId: `g${uniqueToken()}`, price: 20_000, shippingFee: 0, stock: 5 },
      sellerB,
    );
    const orderId = randomUUID();
    const at = new Date().toISOString();
    const line = (offerId: string, sellerId: string, unitPrice: number) => ({
      offerId,
      groupId: 'g',
      sellerId,
      title: 'Old order line',
      category: 'test',
      quantity: 1,
      unitPrice,
      unitCost: 1_000,
      unitDiscount: 0,
      promotionId: null,
    });
    // The shape orders had: one status and one tracking number for the whole order.
    await dynamoClient().send(
      new PutCommand({
        TableName: tableName('orders'),
        Item: {
          pk: `ORDER#${orderId}`,
          sk: 'ORDER',
          gsi1pk: `BUYER#${buyer.memberId}`,
          gsi1sk: `${at}#${orderId}`,
          orderId,
          memberId: buyer.memberId,
          status: 'shipped',
          trackingNumber: 'OLD-1',
          items: [line(a, sellerA.memberId, 10_000), line(b, sellerB.memberId, 20_000)],
          amounts: { items: 30_000, discount: 0, shipping: 4_000, total: 34_000 },
          shippingAddress: {
            recipient: '이도윤',
            phone: '010-1234-5678',
            postalCode: '34126',
            line1: '대전',
          },
          payment: { method: 'card', last4: '4242', refunded: 0 },
          buyer: { ageBand: '30s', gender: 'male', region: 'daejeon' },
          placedAt: at,
          updatedAt: at,
          version: 3,
        },
      }),
    );
    const card = { number: sandboxCards.approved, expiryMonth: 12, expiryYear: 2030 };
    await sandbox.authorize(orderId, 34_000, card);
    await sandbox.capture(orderId);

    const read = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(read.body).toMatchObject({
      status: 'shipped',
      shipments: [
        { sellerId: sellerA.memberId, status: 'shipped', trackingNumber: 'OLD-1', shippingFee: 2_000 },
        { sellerId: sellerB.memberId, status: 'shipped', trackingNumber: 'OLD-1', shippingFee: 2_000 },
      ],
      returns: [],
    });
    expect(read.body).not.toHaveProperty('trackingNumber');
    expect((await ship(orderId, sellerB.memberId, 'delivered', sellerA)).status).toBe(404);
    expect((await ship(orderId, sellerB.memberId, 'delivered', sellerB)).status).toBe(200);
    const requested = await call(
      'POST',
      `/orders/${orderId}/returns`,
      { lines: [{ offerId: b, quantity: 1 }], reason: 'late' },
      buyer.auth,
    );
    expect(requested.status).toBe(200);
    const stock = await stockOf(b, sellerB);
    const done = await call(
      'POST',
      `/orders/${orderId}/returns/${requested.body.returns[0].returnId}/complete`,
      undefined,
      sellerB.auth,
    );
    expect(done.body.return.refund).toEqual({ items: 20_000, shipping: 2_000, total: 22_000 });
    expect(await stockOf(b, sellerB)).toBe(stock + 1);
    const after = await call('GET', `/orders/${orderId}`, undefined, buyer.auth);
    expect(after.body).toMatchObject({ status: 'partially_returned', version: 6 });
    expect((await paymentOf(orderId))?.refunded).toBe(22_000);
    const stored = await dynamoClient().send(
      new GetCommand({ TableName: tableName('orders'), Key: { pk: `ORDER#${orderId}`, sk: 'ORDER' } }),
    );
    expect(stored.Item).not.toHaveProperty('trackingNumber');
    expect(stored.Item?.shipments).toHaveLength(2);
  });
});

describe('bad orders', () => {
  let offerId: string;
  beforeAll(async () => {
    offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock: 5 });
  });
  const line = (overrides: Record<string, unknown> = {}) =>
    orderBody([{ offerId, quantity: 1, ...overrides }]);

  it.each([
    ['quantity 0', () => line({ quantity: 0 }), 400, 'validation_failed'],
    ['quantity 10^9', () => line({ quantity: 1e9 }), 400, 'validation_failed'],
    ['a price in the body', () => line({ price: 1 }), 400, 'validation_failed'],
    ['a total in the body', () => ({ ...line(), total: 1 }), 400, 'validation_failed'],
    [
      'an unknown offer',
      () => orderBody([{ offerId: `nope${uniqueToken()}`, quantity: 1 }]),
      404,
      'not_found',
    ],
    [
      'an invalid card number',
      () => orderBody([{ offerId, quantity: 1 }], '4242424242424241'),
      422,
      'rule_violated',
    ],
    ['more than there is', () => line({ quantity: 6 }), 409, 'out_of_stock'],
    ['a 1 MB body', () => ({ ...line(), note: 'x'.repeat(1024 * 1024) }), 413, 'payload_too_large'],
  ])('%s gets a 4xx with an error code', async (_name, body, status, code) => {
    const answer = await order(body());
    expect(answer).toMatchObject({ status, body: { error: { code } } });
  });

  it('needs an Idempotency-Key and a signed-in member', async () => {
    const noKey = await call('POST', '/orders', line(), buyer.auth);
    expect(noKey).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed', details: [{ path: 'headers.idempotency-key' }] } },
    });
    const anonymous = await call('POST', '/orders', line(), { 'idempotency-key': `key-${randomUUID()}` });
    expect(anonymous.status).toBe(401);
    expect(await stockOf(offerId)).toBe(5);
  });
});

describe('with Kafka stopped', () => {
  const profile = loadProfile('test');

  afterAll(async () => {
    await up(profile, () => undefined, [kafkaComponent]);
  }, 120_000);

  it('still takes orders, and every event arrives once Kafka is back', async () => {
    const offerId = await listOffer({ groupId: `g${uniqueToken()}`, stock: 5 });
    await down(profile, () => undefined, [kafkaComponent]);
    const placed = await order(orderBody([{ offerId, quantity: 1 }]));
    expect(placed).toMatchObject({ status: 201, body: { status: 'paid' } });
    const { orderId } = placed.body;
    await up(profile, () => undefined, [kafkaComponent]);
    // The scheduled relay runs every minute; run it now rather than wait.
    await eventually('the relay', async () => (await relayPending().catch(() => -1)) >= 0);
    const events = await eventually(
      'the events written while Kafka was down',
      () => {
        const found = eventsOf(orderId);
        return new Set(found.map((event) => event.id)).size >= 2 ? found : undefined;
      },
      60_000,
    );
    // The scheduled relay may run beside this one and send an entry too: a copy carries its
    // event's id, which consumers count once (docs/checkout.md), so each event counts by its id.
    const byId = new Map(events.map((event) => [event.id, event]));
    expect([...byId.values()].map((event) => event.type).sort()).toEqual(['OrderPaid', 'OrderPlaced']);
    for (const event of events) expect(event).toEqual(byId.get(event.id));
  }, 180_000);
});
