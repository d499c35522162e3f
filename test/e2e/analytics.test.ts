/**
 * Analytics as an admin meets it, through the local Lambda runtime on the real test stack: order events
 * on Kafka reach the four reports through the Kafka trigger, the same events produced again leave
 * every total unchanged, refunds lower revenue and margin, poison records go to the on-failure
 * topic while the rest still count, and only admins read the reports.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import { type DemoOrder, orderEvent, orderTotal } from '../../scripts/support/demo-orders';
import { closeDynamo } from '../../shared/dynamo/client';
import type { DomainEvent } from '../../shared/events/envelope';
import { topics } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { closeRedis } from '../../shared/redis/client';
import { failureHeaders } from '../../stack/kafka-triggers';
import { accessTokenFor } from '../support/auth';
import { connectedProducer, eventually, testKafka } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;
let producer: Producer;
let failureWatcher: Consumer;
const failures: { key: string; headers: Record<string, string> }[] = [];
let admin: string;

// A random hour long ago: other tests' orders never share these buckets.
const hourMs = 3_600_000;
const baseMs = Date.parse('2003-01-01T00:00:00Z') + Math.floor(Math.random() * 600_000) * hourMs;
const range = `from=${new Date(baseMs).toISOString()}&to=${new Date(baseMs + hourMs - 1).toISOString()}`;
const run = randomUUID().slice(0, 8);

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
async function get(path: string, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: await response.json() };
}

async function produce(events: readonly DomainEvent[]): Promise<void> {
  await producer.send({
    topic: topics.orderEvents as string,
    acks: -1,
    messages: events.map((event) => ({ key: event.key, value: JSON.stringify(event) })),
  });
}

const seller = (name: string) => `seller-${run}-${name}`;

function order(sellerId: string, unitPrice: number, quantity: number, promotionId: string | null): DemoOrder {
  return {
    orderId: randomUUID(),
    memberId: randomUUID(),
    items: [
      {
        offerId: randomUUID(),
        groupId: `group-${run}`,
        sellerId,
        title: 'Rice cooker',
        category: 'home',
        quantity,
        unitPrice,
        unitCost: unitPrice * 0.6,
        unitDiscount: promotionId ? unitPrice / 10 : 0,
        promotionId,
      },
    ],
    shipping: 2_500,
    buyer: { ageBand: '40s', gender: 'female', region: 'busan' },
  };
}

/** The totals of one report's series, keyed by the series' value. */
async function report(name: string, query = '') {
  const { status, body } = await get(`/analytics/${name}?${range}&granularity=hour${query}`, admin);
  expect(status).toBe(200);
  return Object.fromEntries(
    (body.series as { key: string; totals: Record<string, number> }[]).map((s) => [s.key, s.totals]),
  );
}

beforeAll(async () => {
  api = await startOffline();
  producer = await connectedProducer();
  admin = await accessTokenFor({ roles: ['member', 'admin'] });
  failureWatcher = testKafka.consumer({ groupId: `analytics-failures-${run}` });
  await failureWatcher.connect();
  await failureWatcher.subscribe({ topic: topics.triggerFailures as string, fromBeginning: false });
  await failureWatcher.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      failures.push({ key: message.key?.toString() ?? '', headers });
    },
  });
}, 180_000);

afterAll(async () => {
  await failureWatcher?.disconnect();
  await producer?.disconnect();
  await api?.stop();
  await closeKafka();
  await closeRedis();
  closeDynamo();
});

describe('reports from order events', () => {
  const first = order(seller('a'), 20_000, 2, `promo-${run}`);
  const second = order(seller('a'), 50_000, 1, null);
  const third = order(seller('b'), 10_000, 3, null);
  const paid = [first, second, third].map((o, index) =>
    orderEvent('OrderPaid', o, 2, baseMs + index * 60_000),
  );

  it('counts paid orders into all four reports through the Kafka trigger', async () => {
    await produce([...[first, second, third].map((o) => orderEvent('OrderPlaced', o, 1, baseMs)), ...paid]);
    const revenue = await eventually(
      'revenue counted',
      async () => {
        const totals = (await report('revenue')).all;
        return totals?.orders === 3 ? totals : undefined;
      },
      60_000,
    );
    // Items 36,000 + 50,000 + 30,000 after the 10 % promotion on the first order.
    expect(revenue).toMatchObject({
      sales: 116_000,
      discount: 4_000,
      shipping: 7_500,
      cost: 72_000,
      margin: 44_000,
    });
    const sales = await eventually(
      'sales counted',
      async () => {
        const totals = await report('sales', '&groupBy=seller');
        return totals[seller('a')]?.orders === 2 && totals[seller('b')] ? totals : undefined;
      },
      60_000,
    );
    expect(sales[seller('a')]).toMatchObject({ units: 3, amount: 86_000 });
    expect(sales[seller('b')]).toMatchObject({ orders: 1, units: 3, amount: 30_000 });
    const promotions = await eventually(
      'promotions counted',
      async () => {
        const totals = await report('promotions');
        return totals[`promo-${run}`] && totals.none?.orders === 2 ? totals : undefined;
      },
      60_000,
    );
    expect(promotions[`promo-${run}`]).toMatchObject({
      orders: 1,
      units: 2,
      revenue: 36_000,
      discount: 4_000,
    });
    const purchases = await eventually(
      'purchases counted',
      async () => {
        const totals = await report('purchases', '&groupBy=gender');
        return totals.female?.orders === 3 ? totals : undefined;
      },
      60_000,
    );
    expect(purchases.female).toMatchObject({
      units: 6,
      amount: orderTotal(first) + orderTotal(second) + orderTotal(third),
    });
  });

  it('leaves every total unchanged when the same events are produced again, and refunds lower revenue and margin', async () => {
    const before = {
      revenue: (await report('revenue')).all,
      sales: await report('sales', '&groupBy=seller'),
      purchases: (await report('purchases', '&groupBy=gender')).female,
    };
    // The copies come first on each order's partition, then that order's cancellation: once the
    // cancellations are counted, the copies before them have been read too.
    await produce(paid);
    const refunds = [first, second, third].map((o, index) =>
      orderEvent('OrderCancelled', o, 3, baseMs + 600_000 + index, { refund: orderTotal(o) }),
    );
    await produce(refunds);
    const revenue = await eventually(
      'refunds counted',
      async () => {
        const totals = (await report('revenue')).all;
        return totals?.refunds === 3 ? totals : undefined;
      },
      60_000,
    );
    expect(revenue).toMatchObject({
      orders: 3,
      sales: before.revenue?.sales,
      cost: before.revenue?.cost,
      refundedSales: 116_000,
      refundedShipping: 7_500,
      netSales: 0,
      margin: 0,
    });
    const sales = await eventually(
      'returns counted',
      async () => {
        const totals = await report('sales', '&groupBy=seller');
        return totals[seller('b')]?.returnedUnits === 3 && totals[seller('a')]?.returnedUnits === 3
          ? totals
          : undefined;
      },
      60_000,
    );
    expect(sales[seller('a')]).toMatchObject({
      orders: 2,
      amount: 86_000,
      refundedAmount: 86_000,
      netAmount: 0,
    });
    const purchases = await eventually(
      'purchase refunds counted',
      async () => {
        const totals = (await report('purchases', '&groupBy=gender')).female;
        return totals?.refunds === 3 ? totals : undefined;
      },
      60_000,
    );
    expect(purchases).toMatchObject({ orders: before.purchases?.orders, amount: before.purchases?.amount });
  });

  it('sends poison records to the on-failure topic with the reason and counts the rest', async () => {
    const poisonKey = `poison-${run}`;
    const late = order(seller('c'), 7_000, 1, null);
    const unknownVersion = { ...orderEvent('OrderPaid', late, 2, baseMs), schemaVersion: 99 };
    await producer.send({
      topic: topics.orderEvents as string,
      acks: -1,
      messages: [
        { key: poisonKey, value: '{"not json' },
        { key: poisonKey, value: JSON.stringify(unknownVersion) },
        {
          key: poisonKey,
          value: JSON.stringify({ ...orderEvent('OrderPaid', late, 2, baseMs), data: { orderId: 1 } }),
        },
      ],
    });
    await produce([orderEvent('OrderPaid', late, 2, baseMs + 120_000)]);
    await eventually(
      'the valid event counted',
      async () => {
        const totals = await report('sales', '&groupBy=seller');
        return totals[seller('c')]?.orders === 1 || undefined;
      },
      60_000,
    );
    // The on-failure destination is at least once: a record set aside twice counts once.
    const names = ['purchases', 'sales', 'promotions', 'revenue'].map(
      (name) => `peakcart-test-analytics-${name}`,
    );
    const byFunction = await eventually(
      'poison records on the failure topic',
      () => {
        const distinct = new Map<string, Map<string, string>>(names.map((name) => [name, new Map()]));
        for (const { key, headers } of failures) {
          if (key !== poisonKey) continue;
          const source = `${headers[failureHeaders.sourcePartition]}/${headers[failureHeaders.sourceOffset]}`;
          distinct
            .get(headers[failureHeaders.functionName] ?? '')
            ?.set(source, headers[failureHeaders.error] ?? '');
        }
        return [...distinct.values()].every((records) => records.size >= 3) ? distinct : undefined;
      },
      60_000,
    );
    for (const name of names) {
      const reasons = [...(byFunction.get(name)?.values() ?? [])];
      expect(reasons).toHaveLength(3);
      expect(reasons.join('\n')).toMatch(/JSON/i);
      expect(reasons.join('\n')).toMatch(/version/i);
    }
  });
});

describe('the reports endpoint', () => {
  it('is for admins only', async () => {
    expect((await get(`/analytics/revenue?${range}`)).status).toBe(401);
    const member = await accessTokenFor({ roles: ['member'] });
    const refused = await get(`/analytics/revenue?${range}`, member);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const seller = await accessTokenFor({ roles: ['member', 'seller'] });
    expect((await get('/analytics/sales', seller)).status).toBe(403);
  });

  it('answers a day series with a point for every day, zeros included', async () => {
    const from = new Date(baseMs - 2 * 86_400_000).toISOString();
    const to = new Date(baseMs + 86_400_000).toISOString();
    const { status, body } = await get(`/analytics/revenue?from=${from}&to=${to}&granularity=day`, admin);
    expect(status).toBe(200);
    expect(body).toMatchObject({ report: 'revenue', granularity: 'day', groupBy: 'all' });
    const [series] = body.series;
    expect(series.points.length).toBeGreaterThanOrEqual(4);
    expect(series.points[0].values.orders).toBe(0);
    expect(series.totals.orders).toBeGreaterThanOrEqual(3);
  });

  // 400: the query does not match the document's schema; 422: it does, and breaks a rule the
  // document states in words.
  it.each([
    ['an unknown report', '/analytics/visitors', 400, 'validation_failed'],
    ['an unknown granularity', `/analytics/revenue?${range}&granularity=minute`, 400, 'validation_failed'],
    ['a bad date', '/analytics/revenue?from=yesterday', 400, 'validation_failed'],
    [
      'from after to',
      '/analytics/revenue?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      422,
      'invalid_range',
    ],
    [
      'too many hours',
      '/analytics/revenue?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&granularity=hour',
      422,
      'range_too_large',
    ],
    // Counted, not listed: twelve million hours would outlast the function's timeout.
    [
      'hours since the year 647',
      '/analytics/purchases?from=0647-10-31T23:10:41.00Z&granularity=hour',
      422,
      'range_too_large',
    ],
    ['a dimension the report has not', `/analytics/revenue?${range}&groupBy=seller`, 422, 'invalid_group_by'],
    ['limit 0', `/analytics/sales?${range}&limit=0`, 400, 'validation_failed'],
    ['an unknown parameter', `/analytics/sales?${range}&sellerId=1`, 400, 'validation_failed'],
  ])('refuses %s', async (_, path, expected, code) => {
    const { status, body } = await get(path, admin);
    expect(status).toBe(expected);
    expect(body.error.code).toBe(code);
  });
});
