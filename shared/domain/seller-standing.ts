/**
 * Seller standing: what an order event counts for each seller of its lines, the rates over the
 * window, the grade they give, and the ad quality factor the grade implies. Pure, so the rule is
 * the same in the consumer, the API and the tests (docs/sellers.md).
 */
import * as z from 'zod';
import { bucketOf, bucketsBetween } from './analytics';
import { byLowestTotalPrice, type GroupResult } from './search';

/** Days the standing is measured over. */
export const standingWindowDays = 30;
/** Days a day's counters are kept after the day: longer than the window, then TTL removes them. */
export const standingRetentionDays = 40;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** The business day an instant counts in (Seoul, as analytics' day buckets). */
export const standingDay = (epochMs: number) => bucketOf('day', epochMs);

/** The day buckets of the window ending at `nowMs`, oldest first (today included). */
export function windowDays(nowMs: number): string[] {
  return bucketsBetween('day', nowMs - (standingWindowDays - 1) * dayMs, nowMs);
}

/** When a day's counters may go: `standingRetentionDays` after the instant counted. */
export const countersExpireAt = (epochMs: number) =>
  Math.floor((epochMs + standingRetentionDays * dayMs) / 1000);

/**
 * The shipping deadline of the stage, in hours after the payment (SHIPPING_DEADLINE_HOURS). A
 * positive number; fractions allowed (the test stage measures lateness in seconds).
 */
export function shippingDeadlineMs(raw: string | undefined): number {
  const hours = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(hours) || hours <= 0)
    throw new RangeError(`SHIPPING_DEADLINE_HOURS must be a positive number of hours (got "${raw}")`);
  return Math.round(hours * hourMs);
}

export const complaintKinds = ['counterfeit', 'not_as_described'] as const;
export type ComplaintKind = (typeof complaintKinds)[number];

/** Longest return reason kept as its own counter; longer ones are cut (as written, folded). */
export const maxReasonLength = 100;

/** A return reason as counted: trimmed, NFKC, lower case, inner spaces collapsed, at most 100 characters. */
export function foldReason(reason: string): string {
  const folded = reason.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  return Array.from(folded).slice(0, maxReasonLength).join('');
}

/** A seller's day holds `orders`, `units`, `sales`, `cost`, `cancellations`, `refundedSales`,
 * `refundedCost`, `returnRequests`, `returnedUnits`, `shipments`, `lateShipments`, `complaints`, and
 * these per reason and kind. */
export const returnReasonField = (reason: string) => `returnReason:${reason}`;
export const complaintField = (kind: ComplaintKind) => `complaint:${kind}`;

/** What the standing reads of an order event (the order topic's data, v1 and v2). */
export interface StandingOrderFacts {
  orderId: string;
  items: readonly {
    offerId: string;
    sellerId: string;
    quantity: number;
    unitPrice: number;
    unitCost: number;
    unitDiscount: number;
  }[];
  shipments?: readonly { sellerId: string }[];
  /** OrderShipped v2: the seller whose shipment moved; absent in v1 (the whole order shipped). */
  sellerId?: string;
  refund?: number;
  reason?: string;
  /** OrderReturnRequested v2: the lines asked about; absent in v1 (every line). */
  requests?: readonly { offerId: string; quantity: number }[];
  /** OrderReturned v2: the line paid back; absent in v1 (the whole order). */
  returned?: { offerId: string; quantity: number; amount: number };
}

/** What one event does to the standing of the sellers of its order. */
export interface StandingEffects {
  /** Counters added to each seller's day of the event. */
  counts: Map<string, Record<string, number>>;
  /** Sellers whose shipment is now owed (the order was paid): each gets an open shipment. */
  opened: string[];
  /** Sellers whose shipment left (OrderShipped): counted on time or late from their open shipment. */
  shipped: string[];
  /** Sellers whose open shipment is gone without shipping (the order was cancelled). */
  closed: string[];
}

type Line = StandingOrderFacts['items'][number];

const sellersOf = (order: StandingOrderFacts) => [...new Set(order.items.map((line) => line.sellerId))];

function add(counts: Map<string, Record<string, number>>, sellerId: string, fields: Record<string, number>) {
  const current = counts.get(sellerId) ?? {};
  for (const [field, amount] of Object.entries(fields)) {
    if (amount !== 0) current[field] = (current[field] ?? 0) + amount;
  }
  counts.set(sellerId, current);
}

const lineSales = (line: Line, quantity = line.quantity) => (line.unitPrice - line.unitDiscount) * quantity;

/**
 * The effects of an order event on its sellers' standing:
 * - OrderPaid: per seller, an order, its lines' units, sales (price less discount) and cost, and
 *   an open shipment due by the deadline;
 * - OrderCancelled of a paid order (it carries a refund): per seller a cancellation, its lines'
 *   sales and cost refunded, the open shipment closed;
 * - OrderReturnRequested: per seller of the lines asked about, a return request and the units,
 *   under the reason the buyer gave (v1: every line of the order);
 * - OrderReturned: the line's refunded sales and cost (v1: every line);
 * - OrderShipped: the seller's shipment (v1: every seller's), judged against its open shipment.
 * Other events count nothing.
 */
export function standingEffects(eventType: string, order: StandingOrderFacts): StandingEffects {
  const effects: StandingEffects = { counts: new Map(), opened: [], shipped: [], closed: [] };
  const { counts } = effects;
  switch (eventType) {
    case 'OrderPaid':
      for (const line of order.items)
        add(counts, line.sellerId, {
          units: line.quantity,
          sales: lineSales(line),
          cost: line.unitCost * line.quantity,
        });
      for (const sellerId of sellersOf(order)) add(counts, sellerId, { orders: 1 });
      effects.opened = sellersOf(order);
      break;
    case 'OrderCancelled':
      // A cancellation before the payment was taken is the payment's race, not the seller's order.
      if (order.refund === undefined) break;
      for (const line of order.items)
        add(counts, line.sellerId, {
          refundedSales: lineSales(line),
          refundedCost: line.unitCost * line.quantity,
        });
      for (const sellerId of sellersOf(order)) add(counts, sellerId, { cancellations: 1 });
      effects.closed = sellersOf(order);
      break;
    case 'OrderReturnRequested': {
      const reason = foldReason(order.reason ?? '') || 'unspecified';
      const requests = order.requests ?? order.items.map(({ offerId, quantity }) => ({ offerId, quantity }));
      for (const request of requests) {
        const line = order.items.find((candidate) => candidate.offerId === request.offerId);
        if (!line) continue;
        add(counts, line.sellerId, {
          returnRequests: 1,
          returnedUnits: request.quantity,
          [returnReasonField(reason)]: request.quantity,
        });
      }
      break;
    }
    case 'OrderReturned': {
      const returned = order.returned;
      const lines = returned
        ? order.items
            .filter((line) => line.offerId === returned.offerId)
            .map((line) => ({ ...line, quantity: returned.quantity }))
        : order.items;
      for (const line of lines)
        add(counts, line.sellerId, {
          refundedSales: returned ? returned.amount : lineSales(line),
          refundedCost: line.unitCost * line.quantity,
        });
      break;
    }
    case 'OrderShipped':
      effects.shipped = order.sellerId ? [order.sellerId] : sellersOf(order);
      break;
  }
  return effects;
}

/** A shipment is late when it left after its deadline (the payment plus the stage's deadline). */
export const isLate = (dueAtMs: number, shippedAtMs: number) => shippedAtMs > dueAtMs;

/** A seller's counters summed over the window, and its shipments still open past their deadline. */
export interface StandingTotals {
  fields: Record<string, number>;
  /** Shipments paid for, not shipped, past their deadline now: counted as late shipments. */
  overdueOpen: number;
}

export const grades = ['A', 'B', 'C', 'D'] as const;
export type Grade = (typeof grades)[number];

export interface Standing {
  windowDays: number;
  orders: number;
  units: number;
  /** Won: sales less cost, net of what cancellations and returns paid back and restocked. */
  margin: number;
  /** margin / net sales (0 without sales). */
  marginRate: number;
  cancellations: number;
  cancellationRate: number;
  returnRequests: number;
  returnedUnits: number;
  /** Returned units over units sold. */
  returnRate: number;
  /** Per reason as folded: units and their share of units sold. */
  returnsByReason: { reason: string; units: number; rate: number }[];
  /** Shipments that left within the window. */
  shipments: number;
  /** Shipments paid for and still not shipped past their deadline: late, though not shipped. */
  overdueShipments: number;
  /** Shipped after the deadline, plus the overdue ones. */
  lateShipments: number;
  /** lateShipments over shipments plus overdueShipments. */
  lateShipmentRate: number;
  complaints: number;
  complaintsByKind: Record<ComplaintKind, number>;
  /** Null until the seller has an order or a complaint in the window: no standing yet. */
  grade: Grade | null;
}

const rate = (part: number, whole: number) => (whole <= 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000);

/**
 * Thresholds of the grade rule (docs/sellers.md). Each measure gives a grade, the best whose
 * ceiling it stays within (else D); the standing's grade is the worst of them. Rates are judged
 * only once their denominator reaches `minSample` (a seller's third order is not a trend);
 * complaints always count: per 100 orders (at least `minSample` orders assumed), counterfeit
 * complaints weighing `counterfeitWeight`.
 */
export const gradeRule = {
  minSample: 10,
  counterfeitWeight: 3,
  ceilings: {
    cancellationRate: { A: 0.02, B: 0.05, C: 0.1 },
    returnRate: { A: 0.05, B: 0.1, C: 0.2 },
    lateShipmentRate: { A: 0.05, B: 0.1, C: 0.2 },
    complaintsPer100Orders: { A: 1, B: 3, C: 6 },
  },
} as const;

function gradeWithin(value: number, ceilings: { A: number; B: number; C: number }): Grade {
  if (value <= ceilings.A) return 'A';
  if (value <= ceilings.B) return 'B';
  if (value <= ceilings.C) return 'C';
  return 'D';
}

const worst = (found: readonly Grade[]): Grade =>
  found.reduce<Grade>((low, grade) => (grades.indexOf(grade) > grades.indexOf(low) ? grade : low), 'A');

/** The grade of a standing's measures, or null with nothing to measure. */
export function gradeOf(standing: Omit<Standing, 'grade'>): Grade | null {
  if (
    standing.orders === 0 &&
    standing.complaints === 0 &&
    standing.shipments + standing.overdueShipments === 0
  )
    return null;
  const { minSample, ceilings, counterfeitWeight } = gradeRule;
  const found: Grade[] = [];
  if (standing.orders >= minSample) {
    found.push(gradeWithin(standing.cancellationRate, ceilings.cancellationRate));
  }
  if (standing.units >= minSample) found.push(gradeWithin(standing.returnRate, ceilings.returnRate));
  if (standing.shipments + standing.overdueShipments >= minSample)
    found.push(gradeWithin(standing.lateShipmentRate, ceilings.lateShipmentRate));
  const weighted =
    standing.complaintsByKind.not_as_described + standing.complaintsByKind.counterfeit * counterfeitWeight;
  found.push(
    gradeWithin((weighted * 100) / Math.max(standing.orders, minSample), ceilings.complaintsPer100Orders),
  );
  return worst(found);
}

/** The standing of a seller from its window's totals. */
export function standingOf(totals: StandingTotals): Standing {
  const value = (field: string) => totals.fields[field] ?? 0;
  const orders = value('orders');
  const units = value('units');
  const netSales = value('sales') - value('refundedSales');
  const margin = netSales - (value('cost') - value('refundedCost'));
  const returnedUnits = value('returnedUnits');
  const shipments = value('shipments');
  const lateShipments = value('lateShipments') + totals.overdueOpen;
  const returnsByReason = Object.entries(totals.fields)
    .filter(([field, count]) => field.startsWith('returnReason:') && count > 0)
    .map(([field, count]) => ({
      reason: field.slice('returnReason:'.length),
      units: count,
      rate: rate(count, units),
    }))
    .sort((a, b) => b.units - a.units || a.reason.localeCompare(b.reason));
  const complaintsByKind = Object.fromEntries(
    complaintKinds.map((kind) => [kind, value(complaintField(kind))]),
  ) as Record<ComplaintKind, number>;
  const measured = {
    windowDays: standingWindowDays,
    orders,
    units,
    margin,
    marginRate: rate(margin, netSales),
    cancellations: value('cancellations'),
    cancellationRate: rate(value('cancellations'), orders),
    returnRequests: value('returnRequests'),
    returnedUnits,
    returnRate: rate(returnedUnits, units),
    returnsByReason,
    shipments,
    overdueShipments: totals.overdueOpen,
    lateShipments,
    lateShipmentRate: rate(lateShipments, shipments + totals.overdueOpen),
    complaints: value('complaints'),
    complaintsByKind,
  };
  return { ...measured, grade: gradeOf(measured) };
}

/** The ad quality factor of a grade: how much of its bid a seller's ad is ranked with. */
export const gradeFactors: Record<Grade, number> = { A: 1, B: 0.8, C: 0.5, D: 0.2 };

/** In [0, 1]: 0 when suspended, 1 with no standing yet, else the grade's factor. */
export function adQualityFactor(grade: Grade | null, suspended: boolean): number {
  if (suspended) return 0;
  return grade === null ? 1 : gradeFactors[grade];
}

/** The policy an admin sets: whether, and from which grade down, offers leave search. */
export const standingPolicyInputSchema = z.strictObject({
  suspendOffers: z
    .boolean()
    .describe('Whether a seller at or below suspendAtOrBelow has its offers suspended from search'),
  suspendAtOrBelow: z
    .enum(['B', 'C', 'D'])
    .describe('The grade at or below which offers are suspended (A would suspend every seller)'),
  expectedVersion: z
    .int()
    .min(0)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .describe('The version read (GET /sellers/standing-policy; 0 before any policy); a mismatch is 409'),
});
export type StandingPolicyInput = z.output<typeof standingPolicyInputSchema>;

export interface StandingPolicy {
  suspendOffers: boolean;
  suspendAtOrBelow: 'B' | 'C' | 'D';
  /** 0 for the default, never set. */
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

/** Before an admin sets one: nothing is suspended by grade. */
export const defaultStandingPolicy: StandingPolicy = {
  suspendOffers: false,
  suspendAtOrBelow: 'D',
  version: 0,
};

/** Whether the policy suspends a seller of this grade. */
export function suspendedByPolicy(
  policy: Pick<StandingPolicy, 'suspendOffers' | 'suspendAtOrBelow'>,
  grade: Grade | null,
): boolean {
  if (!policy.suspendOffers || grade === null) return false;
  return grades.indexOf(grade) >= grades.indexOf(policy.suspendAtOrBelow);
}

/** The rank kept for a grade in sorted sets: A 1 … D 4, so "at or below" is a score range. */
export const gradeRank = (grade: Grade) => grades.indexOf(grade) + 1;
export const gradeOfRank = (rank: number): Grade | null => grades[rank - 1] ?? null;

/**
 * Search without suspended sellers: their offers leave each group read, a group left with none of
 * the offers read leaves the page, and the rest rank again by their cheapest remaining offer.
 * `offersPerGroup` is what the caller shows; the groups were read with more, so that a group keeps
 * offers of other sellers when a suspended one was among its cheapest.
 */
export function withoutSuspendedSellers(
  groups: readonly GroupResult[],
  suspended: ReadonlySet<string>,
  offersPerGroup: number,
): { groups: GroupResult[]; droppedGroups: number } {
  const kept: GroupResult[] = [];
  for (const group of groups) {
    const offers = group.offers.filter((offer) => !suspended.has(offer.sellerId));
    const first = offers[0];
    if (!first) continue;
    kept.push({
      groupId: group.groupId,
      lowestTotalPrice: first.totalPrice,
      offerCount: group.offerCount - (group.offers.length - offers.length),
      offers: offers.slice(0, offersPerGroup),
    });
  }
  return { groups: kept.sort(byLowestTotalPrice), droppedGroups: groups.length - kept.length };
}
