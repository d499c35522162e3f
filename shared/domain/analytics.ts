/**
 * Analytics: what each report counts of an order or ad event, and the time buckets it counts them in.
 *
 * A report turns one event into contributions — numbers added to a field for one value of one
 * dimension (`purchases`, dimension `gender`, value `F`, `{orders: 1, amount: 45000}`). Every
 * contribution is counted in an hour bucket (UTC) and a day bucket (the business's calendar day in
 * Seoul). A refund is counted when it happens, in its own fields, so totals of a past day never
 * change after the fact and net figures are the difference.
 */

export const reportNames = ['purchases', 'sales', 'promotions', 'revenue', 'ads'] as const;
export type ReportName = (typeof reportNames)[number];

export const granularities = ['hour', 'day'] as const;
export type Granularity = (typeof granularities)[number];

/** What analytics reads of an order event (the order topic's data, shared/events). */
export interface OrderFacts {
  orderId: string;
  items: readonly {
    offerId: string;
    groupId: string;
    sellerId: string;
    quantity: number;
    unitPrice: number;
    unitCost: number;
    unitDiscount: number;
    promotionId: string | null;
  }[];
  amounts: { items: number; discount: number; shipping: number; total: number };
  buyer: { ageBand: string; gender: string; region: string; amountBand: string };
  /** Won refunded by this event (cancellation of a paid order, return). */
  refund?: number;
  /**
   * The line a return paid back (order events of version 2): its offer, the units returned, and
   * the won paid back for them and for shipping. Absent, a refund is of the whole order.
   */
  returned?: { offerId: string; quantity: number; amount: number; shipping: number };
}

/** What analytics reads of an ad event (the ad topic's data, shared/events/ads.ts). */
export interface AdFacts {
  campaignId: string;
  sellerId: string;
  placement: string;
  /** Won a click charged (AdClicked). */
  chargedWon?: number;
}

export interface Contribution {
  dimension: string;
  value: string;
  fields: Record<string, number>;
}

export interface DimensionSpec {
  /** Items per bucket the dimension's values are spread over (many sellers do not fit one item). */
  shards: number;
}

/** The topics (keys in shared/infra) a report counts events of. */
export type ReportTopic = 'orderEvents' | 'adEvents';

export interface Report {
  name: ReportName;
  /** The topics its consumer reads; a record of any other is set aside. */
  topics: readonly ReportTopic[];
  /** Dimensions a query may group by; `all` is each report's grand total. */
  dimensions: Record<string, DimensionSpec>;
  /** Fields stored, in the order responses list them. */
  fields: readonly string[];
  contributions(eventType: string, order: OrderFacts): Contribution[];
  /** What it counts of an ad event, for a report that reads the ad topic. */
  adContributions?(eventType: string, ad: AdFacts): Contribution[];
  /** Figures computed from the stored fields of one point (rates, net amounts). */
  derived?(fields: Readonly<Record<string, number>>): Record<string, number>;
}

/** The value an order line without a promotion is counted under. */
export const noPromotion = 'none';

const paidEvent = 'OrderPaid';
const adImpressed = 'AdImpressed';
const adClicked = 'AdClicked';
const refundEvents = new Set(['OrderCancelled', 'OrderReturned']);

/** A ratio to four decimals, 0 over nothing. */
const rate = (part: number, whole: number) =>
  whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;

/** Won paid for a line: price less its discount, times quantity. */
const lineAmount = (line: OrderFacts['items'][number]) =>
  (line.unitPrice - line.unitDiscount) * line.quantity;

/** Won the lines come to, what they cost, their units and discounts. */
function lineTotals(lines: OrderFacts['items']) {
  let amount = 0;
  let cost = 0;
  let units = 0;
  let discount = 0;
  for (const line of lines) {
    amount += lineAmount(line);
    cost += line.unitCost * line.quantity;
    units += line.quantity;
    discount += line.unitDiscount * line.quantity;
  }
  return { amount, cost, units, discount };
}

/** The refund of an event, or 0 when it refunds nothing (an unpaid order's cancellation). */
function refundOf(eventType: string, order: OrderFacts): number {
  return refundEvents.has(eventType) ? Math.max(0, order.refund ?? 0) : 0;
}

/**
 * The lines an event counts: every line, or, for a return of one line, that line with the units
 * returned.
 */
function countedLines(eventType: string, order: OrderFacts): OrderFacts['items'] {
  const returned = refundEvents.has(eventType) ? order.returned : undefined;
  if (!returned) return order.items;
  return order.items
    .filter((line) => line.offerId === returned.offerId)
    .map((line) => ({ ...line, quantity: returned.quantity }));
}

/** Lines grouped by the value a dimension gives each (seller, product group, promotion). */
function linesBy(lines: OrderFacts['items'], lineValue: (line: OrderFacts['items'][number]) => string) {
  const groups = new Map<string, OrderFacts['items'][number][]>();
  for (const line of lines) {
    const value = lineValue(line);
    groups.set(value, [...(groups.get(value) ?? []), line]);
  }
  return groups;
}

/**
 * Per-value contributions of an order's lines for a dimension: a paid order adds an order, units
 * and amount to each value its lines have; a refund takes back, in the refund fields, those of
 * the lines it pays back (all of them, or the returned units of one line).
 */
function lineContributions(
  eventType: string,
  order: OrderFacts,
  dimension: string,
  lineValue: (line: OrderFacts['items'][number]) => string,
  paidFields: (totals: ReturnType<typeof lineTotals>) => Record<string, number>,
  refundFields: (totals: ReturnType<typeof lineTotals>) => Record<string, number>,
): Contribution[] {
  const paid = eventType === paidEvent;
  if (!paid && refundOf(eventType, order) === 0) return [];
  return [...linesBy(countedLines(eventType, order), lineValue)].map(([value, lines]) => {
    const totals = lineTotals(lines);
    return { dimension, value, fields: paid ? paidFields(totals) : refundFields(totals) };
  });
}

export const purchasesReport: Report = {
  name: 'purchases',
  topics: ['orderEvents'],
  dimensions: {
    all: { shards: 1 },
    ageBand: { shards: 1 },
    gender: { shards: 1 },
    region: { shards: 1 },
    amountBand: { shards: 1 },
  },
  fields: ['orders', 'units', 'amount', 'refunds', 'refunded', 'returnedUnits'],
  contributions(eventType, order) {
    const { buyer } = order;
    const values = {
      all: 'all',
      ageBand: buyer.ageBand,
      gender: buyer.gender,
      region: buyer.region,
      amountBand: buyer.amountBand,
    };
    let fields: Record<string, number>;
    if (eventType === paidEvent) {
      fields = { orders: 1, units: lineTotals(order.items).units, amount: order.amounts.total };
    } else {
      const refund = refundOf(eventType, order);
      if (refund === 0) return [];
      fields = {
        refunds: 1,
        refunded: refund,
        returnedUnits: lineTotals(countedLines(eventType, order)).units,
      };
    }
    return Object.entries(values).map(([dimension, value]) => ({ dimension, value, fields }));
  },
  derived: (fields) => ({
    netAmount: (fields.amount ?? 0) - (fields.refunded ?? 0),
    netUnits: (fields.units ?? 0) - (fields.returnedUnits ?? 0),
  }),
};

const salesPaid = (totals: ReturnType<typeof lineTotals>) => ({
  orders: 1,
  units: totals.units,
  amount: totals.amount,
});
const salesRefunded = (totals: ReturnType<typeof lineTotals>) => ({
  returnedUnits: totals.units,
  refundedAmount: totals.amount,
});

export const salesReport: Report = {
  name: 'sales',
  topics: ['orderEvents'],
  dimensions: { all: { shards: 1 }, seller: { shards: 16 }, group: { shards: 32 } },
  fields: ['orders', 'units', 'amount', 'returnedUnits', 'refundedAmount'],
  contributions(eventType, order) {
    return [
      ...lineContributions(eventType, order, 'all', () => 'all', salesPaid, salesRefunded),
      ...lineContributions(eventType, order, 'seller', (line) => line.sellerId, salesPaid, salesRefunded),
      ...lineContributions(eventType, order, 'group', (line) => line.groupId, salesPaid, salesRefunded),
    ];
  },
  derived: (fields) => ({
    netUnits: (fields.units ?? 0) - (fields.returnedUnits ?? 0),
    netAmount: (fields.amount ?? 0) - (fields.refundedAmount ?? 0),
  }),
};

export const promotionsReport: Report = {
  name: 'promotions',
  topics: ['orderEvents'],
  dimensions: { promotion: { shards: 1 } },
  fields: ['orders', 'units', 'revenue', 'discount', 'returnedUnits', 'refundedRevenue'],
  contributions(eventType, order) {
    return lineContributions(
      eventType,
      order,
      'promotion',
      (line) => line.promotionId ?? noPromotion,
      (totals) => ({ orders: 1, units: totals.units, revenue: totals.amount, discount: totals.discount }),
      (totals) => ({ returnedUnits: totals.units, refundedRevenue: totals.amount }),
    );
  },
  derived: (fields) => ({ netRevenue: (fields.revenue ?? 0) - (fields.refundedRevenue ?? 0) }),
};

export const revenueReport: Report = {
  name: 'revenue',
  topics: ['orderEvents', 'adEvents'],
  dimensions: { all: { shards: 1 } },
  fields: [
    'orders',
    'sales',
    'discount',
    'shipping',
    'cost',
    'refunds',
    'refundedSales',
    'refundedShipping',
    'refundedCost',
    'adRevenue',
  ],
  contributions(eventType, order) {
    const totals = lineTotals(order.items);
    if (eventType === paidEvent) {
      const fields = {
        orders: 1,
        sales: totals.amount,
        discount: totals.discount,
        shipping: order.amounts.shipping,
        cost: totals.cost,
      };
      return [{ dimension: 'all', value: 'all', fields }];
    }
    const refund = refundOf(eventType, order);
    if (refund === 0) return [];
    if (order.returned && refundEvents.has(eventType)) {
      // A line's return says what it paid back for the units and for shipping; the units are back
      // in stock, so their cost comes off.
      const returned = lineTotals(countedLines(eventType, order));
      const fields = {
        refunds: 1,
        refundedSales: order.returned.amount,
        refundedShipping: order.returned.shipping,
        refundedCost: returned.cost,
      };
      return [{ dimension: 'all', value: 'all', fields }];
    }
    // A whole order's refund pays back the items first, then shipping; returned items are back in
    // stock, so their cost comes off in the same proportion as their sales.
    const refundedSales = Math.min(refund, totals.amount);
    const refundedCost = totals.amount === 0 ? 0 : Math.round((totals.cost * refundedSales) / totals.amount);
    const fields = {
      refunds: 1,
      refundedSales,
      refundedShipping: refund - refundedSales,
      refundedCost,
    };
    return [{ dimension: 'all', value: 'all', fields }];
  },
  // What sellers' clicks paid the marketplace: the other half of its profit.
  adContributions(eventType, ad) {
    if (eventType !== adClicked || !ad.chargedWon) return [];
    return [{ dimension: 'all', value: 'all', fields: { adRevenue: ad.chargedWon } }];
  },
  derived(fields) {
    const netSales = (fields.sales ?? 0) - (fields.refundedSales ?? 0);
    const netCost = (fields.cost ?? 0) - (fields.refundedCost ?? 0);
    const margin = netSales - netCost;
    return {
      netSales,
      netCost,
      margin,
      marginRate: rate(margin, netSales),
      profit: margin + (fields.adRevenue ?? 0),
    };
  },
};

/** Sponsored slots: what each campaign showed, the clicks it was charged for and what it spent. */
export const adsReport: Report = {
  name: 'ads',
  topics: ['adEvents'],
  dimensions: {
    all: { shards: 1 },
    campaign: { shards: 16 },
    seller: { shards: 16 },
    placement: { shards: 1 },
  },
  fields: ['impressions', 'clicks', 'spend'],
  contributions: () => [],
  adContributions(eventType, ad) {
    let fields: Record<string, number>;
    if (eventType === adImpressed) fields = { impressions: 1 };
    else if (eventType === adClicked) fields = { clicks: 1, spend: ad.chargedWon ?? 0 };
    else return [];
    const values = { all: 'all', campaign: ad.campaignId, seller: ad.sellerId, placement: ad.placement };
    return Object.entries(values).map(([dimension, value]) => ({ dimension, value, fields }));
  },
  derived: (fields) => ({
    ctr: rate(fields.clicks ?? 0, fields.impressions ?? 0),
    costPerClick: fields.clicks ? Math.round((fields.spend ?? 0) / fields.clicks) : 0,
  }),
};

export const reports: Record<ReportName, Report> = {
  purchases: purchasesReport,
  sales: salesReport,
  promotions: promotionsReport,
  revenue: revenueReport,
  ads: adsReport,
};

/** Seoul keeps UTC+9 all year (no daylight saving), so its calendar day is a fixed shift. */
const businessOffsetMs = 9 * 3_600_000;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The bucket an instant falls in: `2026-11-25T09` (hour, UTC) or `2026-11-25` (day, Seoul). */
// Consumers ask for the same few buckets thousands of times a second.
const bucketNames: Record<Granularity, Map<number, string>> = { hour: new Map(), day: new Map() };

export function bucketOf(granularity: Granularity, epochMs: number): string {
  const size = granularity === 'hour' ? hourMs : dayMs;
  const index = Math.floor((granularity === 'hour' ? epochMs : epochMs + businessOffsetMs) / size);
  const names = bucketNames[granularity];
  let name = names.get(index);
  if (name === undefined) {
    name = new Date(index * size).toISOString().slice(0, granularity === 'hour' ? 13 : 10);
    if (names.size >= 10_000) names.clear();
    names.set(index, name);
  }
  return name;
}

/** The instant a bucket starts. */
export function bucketStart(granularity: Granularity, bucket: string): number {
  if (granularity === 'hour') return Date.parse(`${bucket}:00:00.000Z`);
  return Date.parse(`${bucket}T00:00:00.000Z`) - businessOffsetMs;
}

/**
 * How many buckets `bucketsBetween` lists for the range, counted without listing them: a range of
 * centuries is refused by its count, not after building millions of names.
 */
export function bucketCount(granularity: Granularity, fromMs: number, toMs: number): number {
  const step = granularity === 'hour' ? hourMs : dayMs;
  const first = bucketStart(granularity, bucketOf(granularity, fromMs));
  return toMs < first ? 0 : Math.floor((toMs - first) / step) + 1;
}

/** Every bucket from the one holding `fromMs` to the one holding `toMs`, oldest first. */
export function bucketsBetween(granularity: Granularity, fromMs: number, toMs: number): string[] {
  const step = granularity === 'hour' ? hourMs : dayMs;
  const buckets: string[] = [];
  for (let at = bucketStart(granularity, bucketOf(granularity, fromMs)); at <= toMs; at += step) {
    buckets.push(bucketOf(granularity, at));
  }
  return buckets;
}

/** Which of a dimension's items a value is kept in: a stable hash (FNV-1a) of the value. */
export function shardOf(value: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/**
 * The stored counters: one item per report, granularity, dimension, shard and bucket, holding a
 * number per `field:value` (`amount:F`). Field names never hold a colon; values may.
 */
export interface CounterItemKey {
  report: ReportName;
  granularity: Granularity;
  dimension: string;
  shard: number;
  bucket: string;
}

export const counterAttribute = (field: string, value: string) => `${field}:${value}`;

export function parseCounterAttribute(name: string): { field: string; value: string } | undefined {
  const colon = name.indexOf(':');
  if (colon <= 0) return undefined;
  return { field: name.slice(0, colon), value: name.slice(colon + 1) };
}

export const counterItemId = (key: CounterItemKey) =>
  `${key.report}#${key.granularity}#${key.dimension}#${key.shard}|${key.bucket}`;

/** Increments, merged per counter item, for a run of events. */
export class CounterDeltas {
  readonly items = new Map<string, { key: CounterItemKey; counters: Map<string, number> }>();

  constructor(private readonly report: Report) {}

  /** Adds an event's contributions at its time to the deltas. */
  add(contributions: readonly Contribution[], epochMs: number): void {
    for (const { id, key, attributes } of this.touches(contributions, epochMs)) {
      let item = this.items.get(id);
      if (!item) {
        item = { key, counters: new Map() };
        this.items.set(id, item);
      }
      for (const [attribute, amount] of attributes)
        item.counters.set(attribute, (item.counters.get(attribute) ?? 0) + amount);
    }
  }

  /** The counter items and counters the deltas would hold with these contributions added. */
  sizeWith(contributions: readonly Contribution[], epochMs: number): { items: number; counters: number } {
    let { items, counters } = this.size();
    const added = new Map<string, Set<string>>();
    for (const { id, attributes } of this.touches(contributions, epochMs)) {
      const existing = this.items.get(id)?.counters;
      let fresh = added.get(id);
      if (!fresh) {
        fresh = new Set();
        added.set(id, fresh);
        if (!existing) items++;
      }
      for (const [attribute] of attributes) {
        if (existing?.has(attribute) || fresh.has(attribute)) continue;
        fresh.add(attribute);
        counters++;
      }
    }
    return { items, counters };
  }

  private *touches(contributions: readonly Contribution[], epochMs: number) {
    for (const granularity of granularities) {
      const bucket = bucketOf(granularity, epochMs);
      for (const { dimension, value, fields } of contributions) {
        const shards = this.report.dimensions[dimension]?.shards ?? 1;
        const key = {
          report: this.report.name,
          granularity,
          dimension,
          shard: shardOf(value, shards),
          bucket,
        };
        const attributes = Object.entries(fields)
          .filter(([, amount]) => amount !== 0)
          .map(([field, amount]) => [counterAttribute(field, value), amount] as const);
        yield { id: counterItemId(key), key, attributes };
      }
    }
  }

  /** The counter items and counters the deltas hold. */
  size(): { items: number; counters: number } {
    let counters = 0;
    for (const item of this.items.values()) counters += item.counters.size;
    return { items: this.items.size, counters };
  }
}

export interface SeriesPoint {
  bucket: string;
  start: string;
  values: Record<string, number>;
}

export interface Series {
  key: string;
  totals: Record<string, number>;
  points: SeriesPoint[];
}

/**
 * Time series for a chart from stored counter items: one series per value of the dimension (the
 * `limit` largest by the report's first amount field), a point for every bucket of the range
 * (zeros where nothing happened), with the report's derived figures on every point and total.
 */
export function seriesOf(
  report: Report,
  granularity: Granularity,
  buckets: readonly string[],
  items: readonly { bucket: string; attributes: Record<string, unknown> }[],
  limit: number,
): Series[] {
  const byValue = new Map<string, Map<string, Record<string, number>>>();
  for (const { bucket, attributes } of items) {
    for (const [name, count] of Object.entries(attributes)) {
      const parsed = parseCounterAttribute(name);
      if (!parsed || typeof count !== 'number' || !report.fields.includes(parsed.field)) continue;
      let points = byValue.get(parsed.value);
      if (!points) {
        points = new Map();
        byValue.set(parsed.value, points);
      }
      const point = points.get(bucket) ?? {};
      point[parsed.field] = (point[parsed.field] ?? 0) + count;
      points.set(bucket, point);
    }
  }
  const withDerived = (fields: Record<string, number>) => {
    const complete = Object.fromEntries(report.fields.map((field) => [field, fields[field] ?? 0]));
    return { ...complete, ...report.derived?.(complete) };
  };
  const rankField = report.fields.find((field) => ['amount', 'revenue', 'sales', 'spend'].includes(field));
  const series = [...byValue].map(([key, points]) => {
    const totals: Record<string, number> = {};
    for (const fields of points.values()) {
      for (const [field, count] of Object.entries(fields)) totals[field] = (totals[field] ?? 0) + count;
    }
    return {
      key,
      totals: withDerived(totals),
      points: buckets.map((bucket) => ({
        bucket,
        start: new Date(bucketStart(granularity, bucket)).toISOString(),
        values: withDerived(points.get(bucket) ?? {}),
      })),
    };
  });
  const rank = (entry: Series) => (rankField ? (entry.totals[rankField] ?? 0) : 0);
  return series.sort((a, b) => rank(b) - rank(a) || a.key.localeCompare(b.key)).slice(0, limit);
}
