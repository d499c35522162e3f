import type { GroupResult } from '../../../shared/domain/search';
import {
  adQualityFactor,
  foldReason,
  gradeOf,
  isLate,
  type StandingOrderFacts,
  shippingDeadlineMs,
  standingDay,
  standingEffects,
  standingOf,
  suspendedByPolicy,
  windowDays,
  withoutSuspendedSellers,
} from '../../../shared/domain/seller-standing';
import { orderEventDataSchema } from '../../../shared/events';

const line = (offerId: string, sellerId: string, quantity: number, unitPrice: number, unitDiscount = 0) => ({
  offerId,
  groupId: `g-${offerId}`,
  sellerId,
  title: 'Kettle',
  category: 'home',
  quantity,
  unitPrice,
  unitCost: unitPrice / 2,
  unitDiscount,
  promotionId: unitDiscount > 0 ? 'p-1' : null,
});

const items = [line('a', 's-1', 2, 10_000, 1_000), line('b', 's-2', 1, 30_000), line('c', 's-1', 1, 4_000)];
const base = {
  orderId: '3f1c7f0e-7a57-4a5e-9d7b-1d2f1c1a0b01',
  memberId: 'm-1',
  version: 2,
  items,
  amounts: { items: 54_000, discount: 2_000, shipping: 3_000, total: 55_000 },
  buyer: { ageBand: '30s', gender: 'female', region: 'seoul', amountBand: '50k-100k' },
};
const shipments = [
  { sellerId: 's-1', status: 'preparing', shippingFee: 3_000 },
  { sellerId: 's-2', status: 'preparing', shippingFee: 0 },
];

/** The data of an order event of either version, as the topic's schema reads it. */
function event(data: Record<string, unknown>): StandingOrderFacts {
  return orderEventDataSchema.parse({ ...base, ...data }) as unknown as StandingOrderFacts;
}

describe('what an order event counts for its sellers (v1 and v2)', () => {
  it.each([
    ['v1', {}],
    ['v2', { shipments }],
  ])(
    'OrderPaid (%s): per seller an order, units, sales less discounts and cost; a shipment owed',
    (_, extra) => {
      const effects = standingEffects('OrderPaid', event({ status: 'paid', ...extra }));
      expect(Object.fromEntries(effects.counts)).toEqual({
        's-1': { units: 3, sales: 22_000, cost: 12_000, orders: 1 },
        's-2': { units: 1, sales: 30_000, cost: 15_000, orders: 1 },
      });
      expect(effects.opened).toEqual(['s-1', 's-2']);
    },
  );

  it('a cancellation of a paid order counts for every seller and closes their shipments; of an unpaid one, nothing', () => {
    const paid = standingEffects('OrderCancelled', event({ status: 'cancelled', refund: 55_000, shipments }));
    expect(paid.counts.get('s-1')).toEqual({ refundedSales: 22_000, refundedCost: 12_000, cancellations: 1 });
    expect(paid.counts.get('s-2')).toEqual({ refundedSales: 30_000, refundedCost: 15_000, cancellations: 1 });
    expect(paid.closed).toEqual(['s-1', 's-2']);
    const unpaid = standingEffects('OrderCancelled', event({ status: 'cancelled' }));
    expect(unpaid.counts.size).toBe(0);
    expect(unpaid.closed).toEqual([]);
  });

  it('a v2 return request counts the lines asked about, under the folded reason, for their sellers only', () => {
    const effects = standingEffects(
      'OrderReturnRequested',
      event({
        status: 'return_requested',
        shipments,
        reason: '  Broken   ON Arrival ',
        requests: [{ returnId: 'r-1', offerId: 'a', quantity: 1 }],
      }),
    );
    expect(Object.fromEntries(effects.counts)).toEqual({
      's-1': { returnRequests: 1, returnedUnits: 1, 'returnReason:broken on arrival': 1 },
    });
  });

  it('a v1 return request is of every line of the order', () => {
    const effects = standingEffects(
      'OrderReturnRequested',
      event({ status: 'return_requested', reason: 'Wrong size' }),
    );
    expect(effects.counts.get('s-1')).toEqual({
      returnRequests: 2,
      returnedUnits: 3,
      'returnReason:wrong size': 3,
    });
    expect(effects.counts.get('s-2')).toEqual({
      returnRequests: 1,
      returnedUnits: 1,
      'returnReason:wrong size': 1,
    });
  });

  it('a v2 return takes back only its line; a v1 return, every line', () => {
    const v2 = standingEffects(
      'OrderReturned',
      event({
        status: 'partially_returned',
        shipments,
        returnId: 'r-1',
        returned: { offerId: 'a', quantity: 1, amount: 9_000, shipping: 0 },
        refund: 9_000,
      }),
    );
    expect(Object.fromEntries(v2.counts)).toEqual({ 's-1': { refundedSales: 9_000, refundedCost: 5_000 } });
    const v1 = standingEffects('OrderReturned', event({ status: 'returned', refund: 55_000 }));
    expect(v1.counts.get('s-1')).toEqual({ refundedSales: 22_000, refundedCost: 12_000 });
    expect(v1.counts.get('s-2')).toEqual({ refundedSales: 30_000, refundedCost: 15_000 });
  });

  it("a v2 shipment is the named seller's; a v1 shipment, every seller's", () => {
    const v2 = standingEffects('OrderShipped', event({ status: 'shipped', shipments, sellerId: 's-2' }));
    expect(v2.shipped).toEqual(['s-2']);
    expect(standingEffects('OrderShipped', event({ status: 'shipped' })).shipped).toEqual(['s-1', 's-2']);
  });

  it('events that say nothing of a seller count nothing', () => {
    for (const type of ['OrderPlaced', 'OrderDelivered']) {
      const effects = standingEffects(
        type,
        event({ status: type === 'OrderPlaced' ? 'placed' : 'delivered' }),
      );
      expect(effects).toEqual({ counts: new Map(), opened: [], shipped: [], closed: [] });
    }
  });
});

describe('shipping deadline and lateness', () => {
  it('reads hours, fractions included, and refuses anything else', () => {
    expect(shippingDeadlineMs('48')).toBe(48 * 3_600_000);
    expect(shippingDeadlineMs('0.004')).toBe(14_400);
    for (const bad of [undefined, '', '0', '-1', 'two days'])
      expect(() => shippingDeadlineMs(bad)).toThrow(RangeError);
  });

  it('a shipment is late only after its deadline', () => {
    expect(isLate(1_000, 1_000)).toBe(false);
    expect(isLate(1_000, 1_001)).toBe(true);
  });
});

describe('reasons and the window', () => {
  it('folds reasons as written: trimmed, NFKC, lower case, spaces collapsed, 100 characters', () => {
    expect(foldReason('  ＢＲＯＫＥＮ\n  box ')).toBe('broken box');
    expect(foldReason('x'.repeat(300))).toHaveLength(100);
  });

  it('the window is 30 business days ending today, in Seoul', () => {
    const now = Date.parse('2026-11-30T16:00:00Z'); // 01:00 on 1 December in Seoul
    const days = windowDays(now);
    expect(days).toHaveLength(30);
    expect(days[29]).toBe('2026-12-01');
    expect(days[0]).toBe('2026-11-02');
    expect(standingDay(now)).toBe('2026-12-01');
  });
});

const fields = (values: Record<string, number>) => ({ fields: values, overdueOpen: 0 });

describe('rates and the grade rule', () => {
  it('computes rates, margin and returns by reason from the window totals', () => {
    const standing = standingOf({
      fields: {
        orders: 40,
        units: 100,
        sales: 1_000_000,
        cost: 600_000,
        cancellations: 2,
        refundedSales: 100_000,
        refundedCost: 60_000,
        returnRequests: 4,
        returnedUnits: 5,
        'returnReason:broken': 3,
        'returnReason:wrong size': 2,
        shipments: 38,
        lateShipments: 1,
        complaints: 1,
        'complaint:not_as_described': 1,
      },
      overdueOpen: 1,
    });
    expect(standing).toMatchObject({
      orders: 40,
      units: 100,
      margin: 360_000,
      marginRate: 0.4,
      cancellationRate: 0.05,
      returnRate: 0.05,
      returnsByReason: [
        { reason: 'broken', units: 3, rate: 0.03 },
        { reason: 'wrong size', units: 2, rate: 0.02 },
      ],
      shipments: 38,
      overdueShipments: 1,
      lateShipments: 2,
      lateShipmentRate: 0.0513,
      complaints: 1,
      complaintsByKind: { counterfeit: 0, not_as_described: 1 },
      // Cancellations at 5% are B; returns (5%) A; late 5.1% B; 2.5 complaints per 100 orders B.
      grade: 'B',
    });
  });

  it('no standing yet: no grade, factor 1', () => {
    const standing = standingOf(fields({}));
    expect(standing.grade).toBeNull();
    expect(standing.lateShipmentRate).toBe(0);
    expect(adQualityFactor(standing.grade, false)).toBe(1);
  });

  it('rates are judged only from 10 orders, units or shipments; complaints always count', () => {
    expect(standingOf(fields({ orders: 3, units: 3, cancellations: 2, returnedUnits: 3 })).grade).toBe('A');
    expect(standingOf(fields({ orders: 10, units: 10, cancellations: 2 })).grade).toBe('D');
    // One counterfeit complaint weighs 3: 30 per 100 of the (at least 10) orders.
    expect(standingOf(fields({ complaints: 1, 'complaint:counterfeit': 1 })).grade).toBe('D');
    expect(standingOf(fields({ orders: 100, complaints: 1, 'complaint:not_as_described': 1 })).grade).toBe(
      'A',
    );
  });

  it('the grade is the worst of its measures, at each threshold', () => {
    const at = (values: Record<string, number>) =>
      standingOf(fields({ orders: 100, units: 100, shipments: 100, ...values })).grade;
    expect(at({})).toBe('A');
    expect(at({ cancellations: 2 })).toBe('A');
    expect(at({ cancellations: 3 })).toBe('B');
    expect(at({ returnedUnits: 11 })).toBe('C');
    expect(at({ lateShipments: 21 })).toBe('D');
    expect(at({ lateShipments: 21, cancellations: 1 })).toBe('D');
    expect(at({ complaints: 4, 'complaint:not_as_described': 4 })).toBe('C');
  });

  it('late shipments count those still open past their deadline, in the denominator too', () => {
    const standing = standingOf({ fields: { shipments: 8, lateShipments: 0 }, overdueOpen: 2 });
    expect(standing.lateShipmentRate).toBe(0.2);
    expect(gradeOf(standing)).toBe('C');
  });
});

describe('the factor and the policy', () => {
  it('maps grades to factors in [0, 1]; a suspended seller gets 0', () => {
    expect(['A', 'B', 'C', 'D'].map((grade) => adQualityFactor(grade as 'A', false))).toEqual([
      1, 0.8, 0.5, 0.2,
    ]);
    expect(adQualityFactor('A', true)).toBe(0);
    expect(adQualityFactor(null, true)).toBe(0);
  });

  it('suspends the grades at or below its threshold, and only when on', () => {
    const policy = { suspendOffers: true, suspendAtOrBelow: 'C' as const };
    expect(suspendedByPolicy(policy, 'B')).toBe(false);
    expect(suspendedByPolicy(policy, 'C')).toBe(true);
    expect(suspendedByPolicy(policy, 'D')).toBe(true);
    expect(suspendedByPolicy(policy, null)).toBe(false);
    expect(suspendedByPolicy({ ...policy, suspendOffers: false }, 'D')).toBe(false);
  });
});

describe('search without suspended sellers', () => {
  const offer = (offerId: string, sellerId: string, totalPrice: number) => ({
    offerId,
    sellerId,
    title: offerId,
    category: 'home',
    price: totalPrice,
    shippingFee: 0,
    discount: 0,
    promotionId: null,
    totalPrice,
    url: `https://example.com/${offerId}`,
  });
  const groups: GroupResult[] = [
    {
      groupId: 'g1',
      lowestTotalPrice: 100,
      offerCount: 3,
      offers: [offer('x', 'bad', 100), offer('y', 'ok', 300), offer('z', 'ok', 400)],
    },
    { groupId: 'g2', lowestTotalPrice: 200, offerCount: 1, offers: [offer('w', 'ok', 200)] },
    { groupId: 'g3', lowestTotalPrice: 250, offerCount: 1, offers: [offer('v', 'bad', 250)] },
  ];

  it('drops their offers, drops groups left empty, and ranks by the cheapest remaining offer', () => {
    const { groups: kept, droppedGroups } = withoutSuspendedSellers(groups, new Set(['bad']), 1);
    expect(droppedGroups).toBe(1);
    expect(
      kept.map((group) => [
        group.groupId,
        group.lowestTotalPrice,
        group.offerCount,
        group.offers.map((o) => o.offerId),
      ]),
    ).toEqual([
      ['g2', 200, 1, ['w']],
      ['g1', 300, 2, ['y']],
    ]);
  });

  it('changes nothing without suspended sellers among them', () => {
    expect(withoutSuspendedSellers(groups, new Set(['other']), 10).groups).toEqual(groups);
  });
});
