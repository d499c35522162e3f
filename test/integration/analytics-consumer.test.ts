/**
 * The analytics consumers against the real DynamoDB Local: batches delivered again, delivered to
 * two containers at once, overlapping, and the same events produced again at later offsets all
 * count once. Each consumer instance stands for one Lambda container (its own memory).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type DemoOrder, orderEvent, orderTotal } from '../../scripts/support/demo-orders';
import { reportConsumer as consumerOnTopics } from '../../shared/analytics/report-consumer';
import {
  adsReport,
  bucketOf,
  bucketsBetween,
  CounterDeltas,
  type Granularity,
  purchasesReport,
  type Report,
  revenueReport,
  salesReport,
  seriesOf,
} from '../../shared/domain/analytics';
import { priceOrder } from '../../shared/domain/order';
import {
  applyParts,
  counterItems,
  counterUpdates,
  ledgerOf,
  startRun,
} from '../../shared/dynamo/analytics-store';
import { closeDynamo } from '../../shared/dynamo/client';
import type { Order } from '../../shared/dynamo/order-store';
import { type AdClickedData, type AdImpressedData, adEvents, adEventTypes } from '../../shared/events/ads';
import { type DomainEvent, domainEvent } from '../../shared/events/envelope';
import { closeKafka } from '../../shared/kafka/client';
import { orderEventEntry } from '../../shared/orders/events';
import { offer } from '../support/catalog';
import { lambdaKafkaEvent as kafkaEvent } from '../support/kafka';

// A random hour far in the past, so counters other tests write never share its buckets.
const hourMs = 3_600_000;
const baseMs = Date.parse('2001-01-01T00:00:00Z') + Math.floor(Math.random() * 700_000) * hourMs;

/** A report's consumer reading this file's topics: `it.orders.*` as order events, `it.ads.*` as ad events. */
const reportConsumer = (report: Report) =>
  consumerOnTopics(report, {
    topicKeyOf: (name) =>
      name.startsWith('it.ads.') ? 'adEvents' : name.startsWith('it.orders.') ? 'orderEvents' : undefined,
  });

const context = (functionName: string) =>
  ({
    functionName,
    awsRequestId: randomUUID(),
    getRemainingTimeInMillis: () => 60_000,
  }) as unknown as Context;

interface Delivered {
  offset: number;
  event: DomainEvent;
}

async function deliver(
  consumer: ReturnType<typeof reportConsumer>,
  topic: string,
  records: readonly Delivered[],
) {
  const response = await consumer(kafkaEvent(topic, records) as never, context('analytics-test'));
  expect(response).toEqual({ batchItemFailures: [] });
}

async function totals(report: Report, granularity: Granularity, dimension = 'all') {
  const bucket = bucketOf(granularity, baseMs);
  const shards = report.dimensions[dimension]?.shards ?? 1;
  const items = await counterItems(report.name, granularity, dimension, shards, bucket, bucket);
  return Object.fromEntries(
    seriesOf(report, granularity, [bucket], items, 100).map((s) => [s.key, s.totals]),
  );
}

function paidOrder(sellerId: string, unitPrice = 10_000): DemoOrder {
  return {
    orderId: randomUUID(),
    memberId: randomUUID(),
    items: [
      {
        offerId: randomUUID(),
        groupId: `group-${sellerId}`,
        sellerId,
        title: 'Kettle',
        category: 'home',
        quantity: 2,
        unitPrice,
        unitCost: unitPrice / 2,
        unitDiscount: 0,
        promotionId: null,
      },
    ],
    shipping: 3_000,
    buyer: { ageBand: '30s', gender: 'female', region: 'seoul' },
  };
}

/** `count` paid orders, one event each, at offsets from `firstOffset`. */
function paidEvents(sellerId: string, count: number, firstOffset: number): Delivered[] {
  return Array.from({ length: count }, (_, index) => ({
    offset: firstOffset + index,
    event: orderEvent('OrderPaid', paidOrder(sellerId), 2, baseMs + index * 1_000),
  }));
}

afterAll(async () => {
  await closeDynamo();
  await closeKafka();
});

describe('analytics consumers count every event once', () => {
  const seller = `seller-${randomUUID().slice(0, 8)}`;

  it('a batch delivered again counts once', async () => {
    const topic = `it.orders.${randomUUID()}`;
    const records = paidEvents(seller, 10, 0);
    const consumer = reportConsumer(salesReport);
    await deliver(consumer, topic, records);
    await deliver(consumer, topic, records);
    // A new container, which knows nothing but what DynamoDB holds.
    await deliver(reportConsumer(salesReport), topic, records);
    const sales = await totals(salesReport, 'hour', 'seller');
    expect(sales[seller]).toMatchObject({ orders: 10, units: 20, amount: 200_000 });
  });

  it('three containers given the same batch at once count it once', async () => {
    const topic = `it.orders.${randomUUID()}`;
    const other = `seller-${randomUUID().slice(0, 8)}`;
    const records = paidEvents(other, 30, 0);
    await Promise.all([1, 2, 3].map(() => deliver(reportConsumer(salesReport), topic, records)));
    expect((await totals(salesReport, 'hour', 'seller'))[other]).toMatchObject({ orders: 30, units: 60 });
  });

  it('overlapping batches on two containers count each event once', async () => {
    const topic = `it.orders.${randomUUID()}`;
    const other = `seller-${randomUUID().slice(0, 8)}`;
    const records = paidEvents(other, 60, 100);
    // Batches start at the committed offset, so both start at 100; whichever applies first, the
    // other applies only what lies beyond it. Then a redelivery from the middle.
    await Promise.all([
      deliver(reportConsumer(salesReport), topic, records.slice(0, 40)),
      deliver(reportConsumer(salesReport), topic, records.slice(0, 60)),
    ]);
    await deliver(reportConsumer(salesReport), topic, records.slice(20, 60));
    expect((await totals(salesReport, 'day', 'seller'))[other]).toMatchObject({ orders: 60, units: 120 });
  });

  it('the same events produced again at later offsets count once, also in a new container', async () => {
    const topic = `it.orders.${randomUUID()}`;
    const other = `seller-${randomUUID().slice(0, 8)}`;
    const records = paidEvents(other, 20, 0);
    const consumer = reportConsumer(salesReport);
    await deliver(consumer, topic, records);
    const again = records.map(({ event }, index) => ({ offset: 20 + index, event }));
    await deliver(consumer, topic, again.slice(0, 10));
    await deliver(reportConsumer(salesReport), topic, again.slice(10));
    expect((await totals(salesReport, 'hour', 'seller'))[other]).toMatchObject({
      orders: 20,
      amount: 400_000,
    });
  });

  it('a refund after a purchase lowers revenue and margin by exactly its share', async () => {
    const topic = `it.orders.${randomUUID()}`;
    const before = (await totals(revenueReport, 'hour')).all ?? {};
    const order = paidOrder(`seller-${randomUUID().slice(0, 8)}`, 40_000);
    const consumer = reportConsumer(revenueReport);
    await deliver(consumer, topic, [{ offset: 0, event: orderEvent('OrderPaid', order, 2, baseMs) }]);
    const paid = (await totals(revenueReport, 'hour')).all ?? {};
    expect((paid.sales ?? 0) - (before.sales ?? 0)).toBe(80_000);
    expect((paid.margin ?? 0) - (before.margin ?? 0)).toBe(40_000);
    await deliver(consumer, topic, [
      {
        offset: 1,
        event: orderEvent('OrderCancelled', order, 3, baseMs + 60_000, { refund: orderTotal(order) }),
      },
    ]);
    const refunded = (await totals(revenueReport, 'hour')).all ?? {};
    expect((refunded.refundedSales ?? 0) - (before.refundedSales ?? 0)).toBe(80_000);
    expect((refunded.refundedShipping ?? 0) - (before.refundedShipping ?? 0)).toBe(3_000);
    expect((refunded.netSales ?? 0) - (before.netSales ?? 0)).toBe(0);
    expect((refunded.margin ?? 0) - (before.margin ?? 0)).toBe(0);
  });
});

describe('ad events', () => {
  /** An ad event of the campaign, as the ad topic carries it. */
  function adEvent(type: string, data: AdImpressedData | AdClickedData, atMs: number): DomainEvent {
    return domainEvent(
      { type, source: adEvents.source, key: data.campaignId, data: { ...data } },
      new Date(atMs),
    );
  }

  /** `impressions` slots of the campaign shown, then `clicks` of them charged `bidWon` each. */
  function campaignEvents(
    campaignId: string,
    sellerId: string,
    impressions: number,
    clicks: number,
    bidWon: number,
  ) {
    const shown = {
      campaignId,
      sellerId,
      offerId: `o-${campaignId}`,
      placement: 'search' as const,
      slot: 0,
      keyword: 'kettle',
    };
    return [
      ...Array.from({ length: impressions }, (_, index) =>
        adEvent(adEventTypes.impressed, shown, baseMs + index),
      ),
      ...Array.from({ length: clicks }, (_, index) =>
        adEvent(
          adEventTypes.clicked,
          { ...shown, clickId: randomUUID(), bidWon, chargedWon: bidWon },
          baseMs + 10_000 + index,
        ),
      ),
    ].map((event, offset) => ({ offset, event }));
  }

  it('count impressions, charged clicks and spend per campaign once, however often delivered', async () => {
    const topic = `it.ads.${randomUUID()}`;
    const seller = `seller-${randomUUID().slice(0, 8)}`;
    const [a, b] = [`c-${randomUUID().slice(0, 8)}`, `c-${randomUUID().slice(0, 8)}`];
    const records = [...campaignEvents(a, seller, 40, 3, 500), ...campaignEvents(b, seller, 10, 0, 800)].map(
      ({ event }, offset) => ({ offset, event }),
    );
    await deliver(reportConsumer(adsReport), topic, records);
    await deliver(reportConsumer(adsReport), topic, records.slice(20));
    const byCampaign = await totals(adsReport, 'hour', 'campaign');
    expect(byCampaign[a]).toEqual({
      impressions: 40,
      clicks: 3,
      spend: 1_500,
      ctr: 0.075,
      costPerClick: 500,
    });
    expect(byCampaign[b]).toEqual({ impressions: 10, clicks: 0, spend: 0, ctr: 0, costPerClick: 0 });
    expect((await totals(adsReport, 'day', 'seller'))[seller]).toMatchObject({
      impressions: 50,
      clicks: 3,
      spend: 1_500,
    });
  });

  it('add charged clicks to the revenue report as ad revenue: profit is sales margin plus ad revenue', async () => {
    const [orders, ads] = [`it.orders.${randomUUID()}`, `it.ads.${randomUUID()}`];
    const before = (await totals(revenueReport, 'hour')).all ?? {};
    const consumer = reportConsumer(revenueReport);
    const order = paidOrder(`seller-${randomUUID().slice(0, 8)}`, 40_000);
    await deliver(consumer, orders, [{ offset: 0, event: orderEvent('OrderPaid', order, 2, baseMs) }]);
    const clicks = campaignEvents(
      `c-${randomUUID().slice(0, 8)}`,
      `seller-${randomUUID().slice(0, 8)}`,
      5,
      2,
      700,
    );
    await deliver(consumer, ads, clicks);
    await deliver(reportConsumer(revenueReport), ads, clicks);
    const after = (await totals(revenueReport, 'hour')).all ?? {};
    const delta = (field: string) => (after[field] ?? 0) - (before[field] ?? 0);
    expect([delta('margin'), delta('adRevenue'), delta('profit')]).toEqual([40_000, 1_400, 41_400]);
  });
});

describe('a return of one line', () => {
  /** An order of two sellers' lines, as checkout stores it, and its events as checkout sends them. */
  function twoSellerOrder() {
    const [x, y] = [`seller-${randomUUID().slice(0, 8)}`, `seller-${randomUUID().slice(0, 8)}`];
    const { items, amounts, shipments } = priceOrder([
      {
        offer: offer({
          offerId: `ox${randomUUID().slice(0, 8)}`,
          groupId: `g-${x}`,
          sellerId: x,
          price: 40_000,
          unitCost: 25_000,
          shippingFee: 3_000,
        }),
        quantity: 2,
      },
      {
        offer: offer({
          offerId: `oy${randomUUID().slice(0, 8)}`,
          groupId: `g-${y}`,
          sellerId: y,
          price: 100_000,
          unitCost: 70_000,
          shippingFee: 0,
        }),
        quantity: 1,
      },
    ]);
    const order: Order = {
      orderId: randomUUID(),
      memberId: randomUUID(),
      status: 'paid',
      items,
      amounts,
      shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '04524', line1: 'Seoul' },
      payment: { method: 'card', last4: '4242', refunded: 0 },
      buyer: { ageBand: '30s', gender: 'female', region: 'seoul' },
      placedAt: new Date(baseMs).toISOString(),
      updatedAt: new Date(baseMs).toISOString(),
      version: 2,
      shipments,
      returns: [],
    };
    const eventOf = (
      type: string,
      changed: Partial<Order>,
      atMs: number,
      extra: Record<string, unknown> = {},
    ) => {
      const { event } = orderEventEntry(type, { ...order, ...changed }, new Date(atMs), extra);
      if (!event) throw new Error('an order event entry carries its event');
      return event;
    };
    const line = items[0] as Order['items'][number];
    const records: Delivered[] = [
      { offset: 0, event: eventOf('OrderPaid', {}, baseMs) },
      {
        offset: 1,
        event: eventOf('OrderReturned', { status: 'partially_returned', version: 6 }, baseMs + 60_000, {
          returnId: randomUUID(),
          returned: { offerId: line.offerId, quantity: 1, amount: 40_000, shipping: 0 },
          refund: 40_000,
        }),
      },
    ];
    return { x, y, records };
  }

  it("takes back only that line's units and amount: sales per seller, revenue, purchases", async () => {
    const { x, y, records } = twoSellerOrder();
    const topic = `it.orders.${randomUUID()}`;
    const before = {
      revenue: (await totals(revenueReport, 'hour')).all ?? {},
      purchases: (await totals(purchasesReport, 'hour')).all ?? {},
    };
    for (const report of [salesReport, revenueReport, purchasesReport])
      await deliver(reportConsumer(report), topic, records);

    const sellers = await totals(salesReport, 'hour', 'seller');
    expect(sellers[x]).toMatchObject({
      units: 2,
      amount: 80_000,
      returnedUnits: 1,
      refundedAmount: 40_000,
      netUnits: 1,
      netAmount: 40_000,
    });
    expect(sellers[y]).toMatchObject({
      units: 1,
      amount: 100_000,
      returnedUnits: 0,
      refundedAmount: 0,
      netAmount: 100_000,
    });

    const revenue = (await totals(revenueReport, 'hour')).all ?? {};
    const delta = (field: string) => (revenue[field] ?? 0) - (before.revenue[field] ?? 0);
    expect([
      delta('sales'),
      delta('refundedSales'),
      delta('refundedShipping'),
      delta('cost'),
      delta('refundedCost'),
    ]).toEqual([180_000, 40_000, 0, 120_000, 25_000]);

    const purchases = (await totals(purchasesReport, 'hour')).all ?? {};
    const bought = (field: string) => (purchases[field] ?? 0) - (before.purchases[field] ?? 0);
    expect([bought('amount'), bought('refunded'), bought('units'), bought('returnedUnits')]).toEqual([
      183_000, 40_000, 3, 1,
    ]);
  });
});

describe('runs too big for one transaction', () => {
  // 400 sellers over three hours: more counter items than one transaction holds.
  const fromMs = baseMs + 10 * hourMs;
  const toMs = fromMs + 3 * hourMs - 1;
  const spread = (prefix: string, count: number, firstOffset: number): Delivered[] =>
    Array.from({ length: count }, (_, index) => ({
      offset: firstOffset + index,
      event: orderEvent(
        'OrderPaid',
        paidOrder(`${prefix}-${index}`),
        2,
        fromMs + Math.floor((index / count) * (toMs - fromMs)),
      ),
    }));

  async function sellerTotals(prefix: string) {
    const buckets = bucketsBetween('hour', fromMs, toMs);
    const items = await counterItems('sales', 'hour', 'seller', 16, buckets[0] ?? '', buckets.at(-1) ?? '');
    return seriesOf(salesReport, 'hour', buckets, items, 10_000).filter(({ key }) => key.startsWith(prefix));
  }

  it('count every event once, in parts', async () => {
    const topic = `it.orders.${randomUUID()}`;
    const prefix = `big-${randomUUID().slice(0, 8)}`;
    const records = spread(prefix, 400, 0);
    expect(counterUpdates(deltasOf(records)).length).toBeGreaterThan(98);
    await deliver(reportConsumer(salesReport), topic, records);
    await deliver(reportConsumer(salesReport), topic, records);
    const series = await sellerTotals(prefix);
    expect(series).toHaveLength(400);
    for (const { totals } of series) expect(totals).toMatchObject({ orders: 1, units: 2, amount: 20_000 });
  });

  it('a run left pending is finished by the next container, each part once', async () => {
    const topic = `it.orders.${randomUUID()}`;
    const prefix = `pending-${randomUUID().slice(0, 8)}`;
    const records = spread(prefix, 400, 0);
    const ref = { report: 'sales', topic, partition: 0 } as const;
    const deltas = deltasOf(records);
    const updates = counterUpdates(deltas);
    const run = {
      afterOffset: -1,
      lastOffset: 399,
      eventIds: records.map(({ event }) => event.id),
      deltas,
      now: Date.now(),
    };
    // A container moved the ledger and wrote the first part, then stopped.
    await startRun(ref, run);
    await applyParts(ref, 0, updates.slice(0, 99));
    expect(await ledgerOf(ref)).toEqual({ offset: 399, pending: 0 });

    const later = spread(`${prefix}-later`, 10, 400);
    await deliver(reportConsumer(salesReport), topic, [...records, ...later]);
    expect(await ledgerOf(ref)).toEqual({ offset: 409 });
    const series = await sellerTotals(prefix);
    expect(series).toHaveLength(410);
    for (const { totals } of series) expect(totals).toMatchObject({ orders: 1, units: 2 });
  });
});

function deltasOf(records: readonly Delivered[]): CounterDeltas {
  const deltas = new CounterDeltas(salesReport);
  for (const { event } of records)
    deltas.add(salesReport.contributions(event.type, event.data as never), Date.parse(event.time));
  return deltas;
}
