import {
  type AdFacts,
  adsReport,
  bucketCount,
  bucketOf,
  bucketStart,
  bucketsBetween,
  CounterDeltas,
  type OrderFacts,
  promotionsReport,
  purchasesReport,
  revenueReport,
  salesReport,
  seriesOf,
  shardOf,
} from '../../../shared/domain/analytics';

const order: OrderFacts = {
  orderId: 'o-1',
  items: [
    {
      offerId: 'a-1',
      groupId: 'g-1',
      sellerId: 's-1',
      quantity: 2,
      unitPrice: 10_000,
      unitCost: 6_000,
      unitDiscount: 1_000,
      promotionId: 'p-1',
    },
    {
      offerId: 'a-2',
      groupId: 'g-2',
      sellerId: 's-1',
      quantity: 1,
      unitPrice: 30_000,
      unitCost: 20_000,
      unitDiscount: 0,
      promotionId: null,
    },
    {
      offerId: 'b-1',
      groupId: 'g-1',
      sellerId: 's-2',
      quantity: 1,
      unitPrice: 9_000,
      unitCost: 6_000,
      unitDiscount: 0,
      promotionId: null,
    },
  ],
  amounts: { items: 59_000, discount: 2_000, shipping: 3_000, total: 60_000 },
  buyer: { ageBand: '30s', gender: 'F', region: 'Seoul', amountBand: '50k-100k' },
};
const refunded = { ...order, refund: 60_000 };
/** One unit of the first line returned (9,000 won after its discount), no shipping. */
const lineReturned: OrderFacts = {
  ...order,
  refund: 9_000,
  returned: { offerId: 'a-1', quantity: 1, amount: 9_000, shipping: 0 },
};

const fieldsOf = (contributions: { dimension: string; value: string; fields: Record<string, number> }[]) =>
  Object.fromEntries(contributions.map(({ dimension, value, fields }) => [`${dimension}=${value}`, fields]));

describe('purchases', () => {
  it('counts a paid order once under every dimension of its buyer', () => {
    expect(fieldsOf(purchasesReport.contributions('OrderPaid', order))).toEqual({
      'all=all': { orders: 1, units: 4, amount: 60_000 },
      'ageBand=30s': { orders: 1, units: 4, amount: 60_000 },
      'gender=F': { orders: 1, units: 4, amount: 60_000 },
      'region=Seoul': { orders: 1, units: 4, amount: 60_000 },
      'amountBand=50k-100k': { orders: 1, units: 4, amount: 60_000 },
    });
  });

  it('counts refunds apart and nothing for events that move no money', () => {
    expect(fieldsOf(purchasesReport.contributions('OrderReturned', refunded))['gender=F']).toEqual({
      refunds: 1,
      refunded: 60_000,
      returnedUnits: 4,
    });
    for (const type of ['OrderPlaced', 'OrderShipped', 'OrderDelivered', 'OrderPaymentFailed'])
      expect(purchasesReport.contributions(type, order)).toEqual([]);
    // An unpaid order's cancellation refunds nothing.
    expect(purchasesReport.contributions('OrderCancelled', order)).toEqual([]);
  });
});

describe('sales', () => {
  it('counts an order once per seller and per product group, with their lines', () => {
    expect(fieldsOf(salesReport.contributions('OrderPaid', order))).toEqual({
      'all=all': { orders: 1, units: 4, amount: 57_000 },
      'seller=s-1': { orders: 1, units: 3, amount: 48_000 },
      'seller=s-2': { orders: 1, units: 1, amount: 9_000 },
      'group=g-1': { orders: 1, units: 3, amount: 27_000 },
      'group=g-2': { orders: 1, units: 1, amount: 30_000 },
    });
  });

  it('takes returned units and amounts back per seller', () => {
    expect(fieldsOf(salesReport.contributions('OrderCancelled', refunded))['seller=s-1']).toEqual({
      returnedUnits: 3,
      refundedAmount: 48_000,
    });
  });

  it("takes back only a returned line's units and amount, under its seller and group", () => {
    expect(fieldsOf(salesReport.contributions('OrderReturned', lineReturned))).toEqual({
      'all=all': { returnedUnits: 1, refundedAmount: 9_000 },
      'seller=s-1': { returnedUnits: 1, refundedAmount: 9_000 },
      'group=g-1': { returnedUnits: 1, refundedAmount: 9_000 },
    });
  });
});

describe('partial refunds', () => {
  it('count the refund and the units of the returned line in purchases', () => {
    expect(fieldsOf(purchasesReport.contributions('OrderReturned', lineReturned))['all=all']).toEqual({
      refunds: 1,
      refunded: 9_000,
      returnedUnits: 1,
    });
  });

  it("take the line's sales, shipping as refunded and the units' cost back in revenue", () => {
    const back = revenueReport.contributions('OrderReturned', {
      ...lineReturned,
      refund: 33_000,
      returned: { offerId: 'a-2', quantity: 1, amount: 30_000, shipping: 3_000 },
    })[0]?.fields;
    expect(back).toEqual({
      refunds: 1,
      refundedSales: 30_000,
      refundedShipping: 3_000,
      refundedCost: 20_000,
    });
  });

  it("take the line's units back from its promotion only", () => {
    expect(fieldsOf(promotionsReport.contributions('OrderReturned', lineReturned))).toEqual({
      'promotion=p-1': { returnedUnits: 1, refundedRevenue: 9_000 },
    });
  });

  it('add up, over every line returned, to the whole order refunded', () => {
    const returns = [
      { offerId: 'a-1', quantity: 2, amount: 18_000, shipping: 0 },
      { offerId: 'a-2', quantity: 1, amount: 30_000, shipping: 3_000 },
      { offerId: 'b-1', quantity: 1, amount: 9_000, shipping: 0 },
    ];
    const total: Record<string, number> = {};
    for (const returned of returns) {
      const event = { ...order, refund: returned.amount + returned.shipping, returned };
      for (const { fields } of revenueReport.contributions('OrderReturned', event))
        for (const [field, value] of Object.entries(fields)) total[field] = (total[field] ?? 0) + value;
    }
    expect(total).toEqual({
      refunds: 3,
      refundedSales: 57_000,
      refundedShipping: 3_000,
      refundedCost: 38_000,
    });
  });
});

describe('promotions', () => {
  it('counts lines under their promotion, or none', () => {
    expect(fieldsOf(promotionsReport.contributions('OrderPaid', order))).toEqual({
      'promotion=p-1': { orders: 1, units: 2, revenue: 18_000, discount: 2_000 },
      'promotion=none': { orders: 1, units: 2, revenue: 39_000, discount: 0 },
    });
  });
});

describe('revenue', () => {
  it('keeps sales, cost and shipping of a paid order', () => {
    expect(revenueReport.contributions('OrderPaid', order)[0]?.fields).toEqual({
      orders: 1,
      sales: 57_000,
      discount: 2_000,
      shipping: 3_000,
      cost: 38_000,
    });
  });

  it('lowers net sales and margin by a refund, items first, then shipping', () => {
    const paid = revenueReport.contributions('OrderPaid', order)[0]?.fields ?? {};
    const back = revenueReport.contributions('OrderReturned', refunded)[0]?.fields ?? {};
    expect(back).toEqual({
      refunds: 1,
      refundedSales: 57_000,
      refundedShipping: 3_000,
      refundedCost: 38_000,
    });
    const before = revenueReport.derived?.(paid);
    expect(before).toEqual({
      netSales: 57_000,
      netCost: 38_000,
      margin: 19_000,
      marginRate: 0.3333,
      profit: 19_000,
    });
    const sum = Object.fromEntries(
      revenueReport.fields.map((field) => [field, (paid[field] ?? 0) + (back[field] ?? 0)]),
    );
    expect(revenueReport.derived?.(sum)).toEqual({
      netSales: 0,
      netCost: 0,
      margin: 0,
      marginRate: 0,
      profit: 0,
    });
  });

  it('takes cost back in proportion to a partial refund', () => {
    const back = revenueReport.contributions('OrderCancelled', { ...order, refund: 28_500 })[0]?.fields;
    expect(back).toEqual({ refunds: 1, refundedSales: 28_500, refundedShipping: 0, refundedCost: 19_000 });
  });
});

const click: AdFacts = { campaignId: 'c-1', sellerId: 's-1', placement: 'search', chargedWon: 700 };

describe('ad revenue', () => {
  it('counts what charged clicks paid as ad revenue, and profit as margin plus ad revenue', () => {
    expect(revenueReport.adContributions?.('AdClicked', click)).toEqual([
      { dimension: 'all', value: 'all', fields: { adRevenue: 700 } },
    ]);
    expect(revenueReport.adContributions?.('AdImpressed', click)).toEqual([]);
    expect(revenueReport.adContributions?.('AdClicked', { ...click, chargedWon: 0 })).toEqual([]);
    const paid = revenueReport.contributions('OrderPaid', order)[0]?.fields ?? {};
    expect(revenueReport.derived?.({ ...paid, adRevenue: 1_400 })).toMatchObject({
      margin: 19_000,
      profit: 20_400,
    });
  });
});

describe('ads', () => {
  it('counts an impression, and a charged click with its spend, per campaign, seller and placement', () => {
    const shown = adsReport.adContributions?.('AdImpressed', { ...click, chargedWon: undefined }) ?? [];
    expect(shown.map(({ dimension, value }) => `${dimension}=${value}`)).toEqual([
      'all=all',
      'campaign=c-1',
      'seller=s-1',
      'placement=search',
    ]);
    for (const { fields } of shown) expect(fields).toEqual({ impressions: 1 });
    for (const { fields } of adsReport.adContributions?.('AdClicked', click) ?? [])
      expect(fields).toEqual({ clicks: 1, spend: 700 });
    expect(adsReport.contributions('OrderPaid', order)).toEqual([]);
  });

  it('derives CTR and cost per click, zero over nothing', () => {
    expect(adsReport.derived?.({ impressions: 400, clicks: 6, spend: 4_200 })).toEqual({
      ctr: 0.015,
      costPerClick: 700,
    });
    expect(adsReport.derived?.({ impressions: 0, clicks: 0, spend: 0 })).toEqual({ ctr: 0, costPerClick: 0 });
  });
});

describe('buckets', () => {
  it('puts hours in UTC and days on the Seoul calendar', () => {
    const at = Date.parse('2026-11-24T15:30:00Z'); // 00:30 on the 25th in Seoul
    expect(bucketOf('hour', at)).toBe('2026-11-24T15');
    expect(bucketOf('day', at)).toBe('2026-11-25');
    expect(bucketOf('day', at - 31 * 60_000)).toBe('2026-11-24');
    expect(new Date(bucketStart('day', '2026-11-25')).toISOString()).toBe('2026-11-24T15:00:00.000Z');
    expect(new Date(bucketStart('hour', '2026-11-24T15')).toISOString()).toBe('2026-11-24T15:00:00.000Z');
  });

  it('lists every bucket of a range, across a month end and a leap day', () => {
    expect(
      bucketsBetween('day', Date.parse('2028-02-27T15:00:00Z'), Date.parse('2028-03-01T14:59:59Z')),
    ).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
    expect(
      bucketsBetween('hour', Date.parse('2026-12-31T22:10:00Z'), Date.parse('2027-01-01T00:00:00Z')),
    ).toEqual(['2026-12-31T22', '2026-12-31T23', '2027-01-01T00']);
  });

  it('counts the buckets of a range as bucketsBetween lists them, without listing them', () => {
    const ranges: [number, number][] = [
      [Date.parse('2028-02-27T15:00:00Z'), Date.parse('2028-03-01T14:59:59Z')],
      [Date.parse('2026-12-31T22:10:00Z'), Date.parse('2027-01-01T00:00:00Z')],
      [Date.parse('2026-12-31T22:10:00Z'), Date.parse('2026-12-31T22:10:00Z')],
      [Date.parse('2026-06-01T00:00:00Z'), Date.parse('2026-07-01T00:00:00Z')],
    ];
    for (const granularity of ['hour', 'day'] as const) {
      for (const [from, to] of ranges) {
        expect(bucketCount(granularity, from, to)).toBe(bucketsBetween(granularity, from, to).length);
      }
    }
    expect(bucketCount('hour', Date.parse('2026-02-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'))).toBe(
      0,
    );
    // Twelve million hours, counted at once.
    expect(bucketCount('hour', Date.parse('0647-10-31T23:10:41Z'), Date.parse('2026-12-02T00:00:00Z'))).toBe(
      12_088_826,
    );
  });

  it('spreads values over shards stably', () => {
    expect(shardOf('seller-1', 1)).toBe(0);
    expect(shardOf('seller-1', 16)).toBe(shardOf('seller-1', 16));
    const used = new Set(Array.from({ length: 200 }, (_, index) => shardOf(`seller-${index}`, 16)));
    expect(used.size).toBe(16);
  });
});

describe('counter deltas and series', () => {
  it('merges a run of events into one increment per counter and reads them back as series', () => {
    const deltas = new CounterDeltas(salesReport);
    const at = Date.parse('2026-11-25T01:00:00Z');
    deltas.add(salesReport.contributions('OrderPaid', order), at);
    deltas.add(salesReport.contributions('OrderPaid', order), at + 60_000);
    deltas.add(salesReport.contributions('OrderReturned', refunded), at + 3_600_000);
    const stored = [...deltas.items.values()]
      .filter(({ key }) => key.granularity === 'hour' && key.dimension === 'seller')
      .map(({ key, counters }) => ({ bucket: key.bucket, attributes: Object.fromEntries(counters) }));
    const series = seriesOf(
      salesReport,
      'hour',
      ['2026-11-25T00', '2026-11-25T01', '2026-11-25T02'],
      stored,
      10,
    );
    expect(series.map((entry) => entry.key)).toEqual(['s-1', 's-2']);
    const [s1] = series;
    expect(s1?.totals).toMatchObject({
      orders: 2,
      units: 6,
      amount: 96_000,
      returnedUnits: 3,
      netAmount: 48_000,
    });
    expect(s1?.points.map((point) => point.values.amount)).toEqual([0, 96_000, 0]);
    expect(s1?.points[2]?.values).toMatchObject({ refundedAmount: 48_000, netAmount: -48_000 });
    expect(s1?.points[1]?.start).toBe('2026-11-25T01:00:00.000Z');
  });
});
