/**
 * The seller standing consumer against the real DynamoDB Local and Redis: orders, cancellations,
 * per-line returns by reason, on-time, late and overdue shipments counted per seller from order
 * events of both versions; a batch delivered again, to the same or another container, and the
 * same events produced again at later offsets count once. Complaints count once per order line
 * and lose their buyer on withdrawal. Each consumer instance stands for one Lambda container.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handler as eraseComplainants } from '../../functions/sellers/erase-complainants';
import { handler as refresh } from '../../functions/sellers/refresh';
import { amountBand } from '../../shared/domain/order';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { ComplaintExistsError, eraseComplainant, putComplaint } from '../../shared/dynamo/complaint-store';
import { deleteSuspension, putSuspension, standingTotals } from '../../shared/dynamo/standing-store';
import { type DomainEvent, domainEvent } from '../../shared/events/envelope';
import { topics } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { closeRedis, connectedRedis } from '../../shared/redis/client';
import { standingKeys } from '../../shared/redis/keys';
import {
  standingFactorsOf,
  storeGrades,
  storeManualSuspension,
  storePolicy,
  suspendedSellerIds,
} from '../../shared/redis/seller-standing';
import { sellerStanding } from '../../shared/sellers/standing';
import { standingConsumer } from '../../shared/sellers/standing-consumer';
import { lambdaKafkaEvent } from '../support/kafka';

const minute = 60_000;
const savedDeadline = process.env.SHIPPING_DEADLINE_HOURS;
beforeAll(() => {
  // The stage's deadline, short: an hour after the payment.
  process.env.SHIPPING_DEADLINE_HOURS = '1';
});
afterAll(async () => {
  if (savedDeadline === undefined) delete process.env.SHIPPING_DEADLINE_HOURS;
  else process.env.SHIPPING_DEADLINE_HOURS = savedDeadline;
  closeDynamo();
  await closeKafka();
  await closeRedis();
});

const context = () =>
  ({
    functionName: 'sellers-standing-test',
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

interface Line {
  offerId: string;
  sellerId: string;
  quantity: number;
  unitPrice: number;
}

interface TestOrder {
  orderId: string;
  lines: Line[];
}

const order = (...lines: Line[]): TestOrder => ({ orderId: randomUUID(), lines });
const line = (sellerId: string, quantity: number, unitPrice: number): Line => ({
  offerId: `o-${randomUUID().slice(0, 8)}`,
  sellerId,
  quantity,
  unitPrice,
});

/** An order event as checkout sends it: version 2 unless `version` says 1. */
function orderEvent(
  type: string,
  status: string,
  placed: TestOrder,
  atMs: number,
  extra: Record<string, unknown> = {},
  version: 1 | 2 = 2,
): DomainEvent {
  const items = placed.lines.map((entry) => ({
    ...entry,
    groupId: 'g-1',
    title: 'Kettle',
    category: 'home',
    unitCost: entry.unitPrice / 2,
    unitDiscount: 0,
    promotionId: null,
  }));
  const total = items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
  const sellers = [...new Set(placed.lines.map((entry) => entry.sellerId))];
  return domainEvent(
    {
      type,
      source: 'checkout',
      key: placed.orderId,
      schemaVersion: version,
      data: {
        orderId: placed.orderId,
        memberId: 'm-1',
        version: 1,
        status,
        items,
        amounts: { items: total, discount: 0, shipping: 0, total },
        buyer: { ageBand: '30s', gender: 'female', region: 'seoul', amountBand: amountBand(total) },
        ...(version === 2 && {
          shipments: sellers.map((sellerId) => ({ sellerId, status: 'preparing', shippingFee: 0 })),
        }),
        ...extra,
      },
    },
    new Date(atMs),
  );
}

const numbered = (events: readonly DomainEvent[], first = 0) =>
  events.map((event, index) => ({ offset: first + index, event }));

async function deliver(
  consumer: ReturnType<typeof standingConsumer>,
  topic: string,
  records: ReturnType<typeof numbered>,
) {
  const answer = await consumer(lambdaKafkaEvent(topic, records) as never, context());
  expect(answer).toEqual({ batchItemFailures: [] });
}

describe('the standing consumer', () => {
  const a = `seller-a-${randomUUID().slice(0, 8)}`;
  const b = `seller-b-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  const paidAt = now - 3 * 60 * minute;
  // O1: A and B; A ships in 30 minutes (on time), B after 90 (late).
  const o1 = order(line(a, 2, 10_000), line(b, 1, 30_000));
  // O2: A's, cancelled after payment.
  const o2 = order(line(a, 1, 20_000));
  // O3: A's two lines, shipped on time, delivered, one unit of the first line asked back and returned.
  const o3 = order(line(a, 2, 5_000), line(a, 1, 8_000));
  // O4: A's, paid and never shipped: past its deadline when read.
  const o4 = order(line(a, 1, 1_000));
  // O5: version 1 events: A's whole order shipped late, and asked back for every line.
  const o5 = order(line(a, 1, 4_000));
  const events = [
    orderEvent('OrderPlaced', 'placed', o1, paidAt - minute),
    orderEvent('OrderPaid', 'paid', o1, paidAt),
    orderEvent('OrderPaid', 'paid', o2, paidAt),
    orderEvent('OrderPaid', 'paid', o3, paidAt),
    orderEvent('OrderPaid', 'paid', o4, paidAt),
    orderEvent('OrderPaid', 'paid', o5, paidAt, {}, 1),
    orderEvent('OrderShipped', 'shipped', o1, paidAt + 30 * minute, { sellerId: a }),
    orderEvent('OrderCancelled', 'cancelled', o2, paidAt + 10 * minute, { refund: 20_000 }),
    orderEvent('OrderShipped', 'shipped', o3, paidAt + 20 * minute, { sellerId: a }),
    orderEvent('OrderShipped', 'shipped', o1, paidAt + 90 * minute, { sellerId: b }),
    orderEvent('OrderDelivered', 'delivered', o3, paidAt + 60 * minute, { sellerId: a }),
    orderEvent('OrderReturnRequested', 'return_requested', o3, paidAt + 70 * minute, {
      reason: 'Broken on arrival',
      requests: [{ returnId: 'r-1', offerId: o3.lines[0]?.offerId, quantity: 1 }],
    }),
    orderEvent('OrderReturned', 'partially_returned', o3, paidAt + 80 * minute, {
      returnId: 'r-1',
      returned: { offerId: o3.lines[0]?.offerId, quantity: 1, amount: 5_000, shipping: 0 },
      refund: 5_000,
    }),
    orderEvent('OrderShipped', 'shipped', o5, paidAt + 120 * minute, {}, 1),
    orderEvent(
      'OrderReturnRequested',
      'return_requested',
      o5,
      paidAt + 150 * minute,
      { reason: 'wrong SIZE' },
      1,
    ),
  ];
  const expectedA = {
    orders: 5,
    units: 8,
    cancellations: 1,
    cancellationRate: 0.2,
    returnRequests: 2,
    returnedUnits: 2,
    returnRate: 0.25,
    returnsByReason: [
      { reason: 'broken on arrival', units: 1, rate: 0.125 },
      { reason: 'wrong size', units: 1, rate: 0.125 },
    ],
    // O1 and O3 on time, O5 late; O4 open past its deadline.
    shipments: 3,
    overdueShipments: 1,
    lateShipments: 2,
    lateShipmentRate: 0.5,
    // Sales 20,000 + 20,000 + 18,000 + 1,000 + 4,000 = 63,000 at half cost; the cancellation takes
    // back 20,000 (cost 10,000) and the return 5,000 (cost 2,500).
    margin: 63_000 / 2 - 10_000 - 2_500,
  };

  it('counts orders, cancellations, returns by reason and on-time, late and overdue shipments per seller', async () => {
    const topic = `it.standing.${randomUUID()}`;
    await deliver(standingConsumer(), topic, numbered(events));
    expect(await sellerStanding(a)).toMatchObject(expectedA);
    expect(await sellerStanding(b)).toMatchObject({
      orders: 1,
      units: 1,
      shipments: 1,
      lateShipments: 1,
      overdueShipments: 0,
      cancellations: 0,
      margin: 15_000,
    });
  });

  it('a batch delivered again, to the same or a new container, and events produced again at later offsets count once', async () => {
    const seller = `seller-r-${randomUUID().slice(0, 8)}`;
    const topic = `it.standing.${randomUUID()}`;
    const placed = order(line(seller, 1, 10_000));
    const batch = numbered([
      orderEvent('OrderPaid', 'paid', placed, paidAt),
      orderEvent('OrderShipped', 'shipped', placed, paidAt + 2 * 60 * minute, { sellerId: seller }),
    ]);
    const first = standingConsumer();
    await deliver(first, topic, batch);
    await deliver(first, topic, batch);
    await deliver(standingConsumer(), topic, batch);
    // The outbox sending the same events again: same ids, later offsets, to a new container.
    await deliver(
      standingConsumer(),
      topic,
      numbered(
        batch.map(({ event }) => event),
        2,
      ),
    );
    const { fields, overdueOpen } = await standingTotals(seller, Date.now());
    expect(fields).toMatchObject({ orders: 1, units: 1, shipments: 1, lateShipments: 1 });
    expect(overdueOpen).toBe(0);
  });

  it('a shipment read before its payment (events out of order after an outage) is never open, and a copy in the same batch is read once', async () => {
    const seller = `seller-o-${randomUUID().slice(0, 8)}`;
    const topic = `it.standing.${randomUUID()}`;
    const early = order(line(seller, 1, 1_000));
    const sameBatch = order(line(seller, 1, 1_000));
    const shippedEarly = orderEvent('OrderShipped', 'shipped', early, paidAt + minute, { sellerId: seller });
    const consumer = standingConsumer();
    await deliver(consumer, topic, numbered([shippedEarly]));
    const shippedSame = orderEvent('OrderShipped', 'shipped', sameBatch, paidAt + minute, {
      sellerId: seller,
    });
    await deliver(
      consumer,
      topic,
      numbered(
        [
          orderEvent('OrderPaid', 'paid', early, paidAt),
          shippedSame,
          // The same event again in the batch, as the outbox may send it.
          shippedSame,
          orderEvent('OrderPaid', 'paid', sameBatch, paidAt),
        ],
        1,
      ),
    );
    const { fields, overdueOpen } = await standingTotals(seller, Date.now());
    expect(fields).toMatchObject({ orders: 2, shipments: 2 });
    expect(fields.lateShipments ?? 0).toBe(0);
    // Both paid over an hour ago: open, they would be overdue.
    expect(overdueOpen).toBe(0);
  });

  it('a batch larger than one transaction is applied in runs, each once', async () => {
    const sellers = [`seller-x-${randomUUID().slice(0, 8)}`, `seller-y-${randomUUID().slice(0, 8)}`];
    const topic = `it.standing.${randomUUID()}`;
    // 60 orders of two sellers: 120 open shipments, more than a transaction takes.
    const orders = Array.from({ length: 60 }, () =>
      order(line(sellers[0] as string, 1, 1_000), line(sellers[1] as string, 2, 1_000)),
    );
    const batch = numbered(orders.map((placed) => orderEvent('OrderPaid', 'paid', placed, now - minute)));
    await deliver(standingConsumer(), topic, batch);
    await deliver(standingConsumer(), topic, batch);
    const [x, y] = await Promise.all(sellers.map((seller) => standingTotals(seller, Date.now())));
    expect(x?.fields).toMatchObject({ orders: 60, units: 60 });
    expect(y?.fields).toMatchObject({ orders: 60, units: 120 });
  });

  it("stores the touched sellers' grades in Redis for search and ads", async () => {
    const topic = `it.standing.${randomUUID()}`;
    const seller = `seller-g-${randomUUID().slice(0, 8)}`;
    const placed = order(line(seller, 1, 1_000));
    await deliver(
      standingConsumer(),
      topic,
      numbered([orderEvent('OrderPaid', 'paid', placed, now - minute)]),
    );
    const redis = await connectedRedis();
    expect(await redis.zscore(standingKeys.grades, seller)).toBe('1');
  });
});

describe('the standing in Redis', () => {
  const graded = `seller-f-${randomUUID().slice(0, 8)}`;
  const suspended = `seller-s-${randomUUID().slice(0, 8)}`;
  const unknown = `seller-u-${randomUUID().slice(0, 8)}`;

  afterAll(async () => {
    await storeManualSuspension(suspended, false);
    await storePolicy({ suspendOffers: false, suspendAtOrBelow: 'D', version: 0 });
    await (await connectedRedis()).zrem(standingKeys.grades, graded, suspended);
  });

  it('gives the grade factor, 0 for a suspended seller and 1 for one without standing, in one read', async () => {
    await storeGrades(
      new Map([
        [graded, 'C' as const],
        [suspended, 'A' as const],
      ]),
    );
    await storeManualSuspension(suspended, true);
    const factors = await standingFactorsOf([graded, suspended, unknown, graded]);
    expect(Object.fromEntries(factors)).toEqual({ [graded]: 0.5, [suspended]: 0, [unknown]: 1 });
    expect((await suspendedSellerIds()).has(suspended)).toBe(true);
    expect((await suspendedSellerIds()).has(graded)).toBe(false);
  });

  it('suspends by grade under a policy that is on, at once for every reader', async () => {
    await storePolicy({ suspendOffers: true, suspendAtOrBelow: 'C', version: 7 });
    expect((await suspendedSellerIds()).has(graded)).toBe(true);
    expect((await standingFactorsOf([graded])).get(graded)).toBe(0);
    await storePolicy({ suspendOffers: false, suspendAtOrBelow: 'C', version: 8 });
    expect((await suspendedSellerIds()).has(graded)).toBe(false);
  });
});

describe('the scheduled refresh', () => {
  it('writes the policy and manual suspensions DynamoDB holds back into Redis', async () => {
    const sellerId = `seller-h-${randomUUID().slice(0, 8)}`;
    await putSuspension({
      sellerId,
      reason: 'test',
      suspendedAt: new Date().toISOString(),
      suspendedBy: 'admin-1',
    });
    const redis = await connectedRedis();
    // Redis lost both (a failed write, a flush).
    await redis.del(standingKeys.suspended, standingKeys.policy);
    try {
      const result = await refresh();
      expect(result.suspended).toBeGreaterThanOrEqual(1);
      expect(await redis.sismember(standingKeys.suspended, sellerId)).toBe(1);
      expect(await redis.get(standingKeys.policy)).not.toBeNull();
    } finally {
      await deleteSuspension(sellerId);
      await storeManualSuspension(sellerId, false);
    }
  });
});

describe('complaints', () => {
  it('count once per order line, and lose their buyer and words on withdrawal', async () => {
    const sellerId = `seller-c-${randomUUID().slice(0, 8)}`;
    const memberId = randomUUID();
    const complaint = {
      orderId: randomUUID(),
      offerId: 'o-1',
      sellerId,
      memberId,
      kind: 'counterfeit' as const,
      detail: 'The logo is misspelt',
      createdAt: new Date().toISOString(),
    };
    await putComplaint(complaint);
    await expect(putComplaint({ ...complaint, kind: 'not_as_described' })).rejects.toBeInstanceOf(
      ComplaintExistsError,
    );
    expect((await standingTotals(sellerId, Date.now())).fields).toEqual({
      complaints: 1,
      'complaint:counterfeit': 1,
    });

    // The member topic's MemberWithdrawn, through the consumer that erases.
    const withdrawn = domainEvent({
      type: 'MemberWithdrawn',
      source: 'members',
      key: memberId,
      data: { memberId, withdrawnAt: new Date().toISOString() },
    });
    const answer = await eraseComplainants(
      lambdaKafkaEvent(topics.memberEvents as string, [{ offset: 0, event: withdrawn }]) as never,
      context(),
    );
    expect(answer).toEqual({ batchItemFailures: [] });
    const { Item } = await dynamoClient().send(
      new GetCommand({
        TableName: tableName('sellers'),
        Key: { pk: `COMPLAINT#${complaint.orderId}`, sk: 'o-1' },
      }),
    );
    expect(Item).toMatchObject({ sellerId, kind: 'counterfeit', offerId: 'o-1' });
    expect(Item).not.toHaveProperty('memberId');
    expect(Item).not.toHaveProperty('detail');
    expect(Item).not.toHaveProperty('gsi1pk');
    expect(await eraseComplainant(memberId, new Date().toISOString())).toBe(0);
    expect((await standingTotals(sellerId, Date.now())).fields).toMatchObject({ complaints: 1 });
  });
});
