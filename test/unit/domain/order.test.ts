/** Order rules: what a buyer may send, how an order is priced, which status changes are allowed. */
import type { Offer } from '../../../shared/domain/catalog';
import {
  afterSalesInputSchema,
  amountBand,
  canMoveShipment,
  legacyFulfilment,
  type OrderItem,
  orderInputSchema,
  orderStatusOf,
  passesLuhn,
  priceOrder,
  type ReturnRequest,
  returnRefund,
  type Shipment,
  unitsOpenToRequest,
} from '../../../shared/domain/order';
import { offer } from '../../support/catalog';

const body = {
  items: [{ offerId: 'o1', quantity: 2 }],
  shippingAddress: {
    recipient: '이도윤',
    phone: '010-1234-5678',
    postalCode: '34126',
    line1: '대전 유성구 대학로 99',
  },
  payment: { method: 'card', cardNumber: '4242 4242 4242 4242', expiryMonth: 12, expiryYear: 2030 },
};

describe('order input', () => {
  it('accepts a valid order and normalizes the card number', () => {
    expect(orderInputSchema.parse(body).payment.cardNumber).toBe('4242424242424242');
  });

  it.each([
    ['a price', { ...body, items: [{ offerId: 'o1', quantity: 1, price: 1 }] }],
    ['quantity 0', { ...body, items: [{ offerId: 'o1', quantity: 0 }] }],
    ['quantity 101', { ...body, items: [{ offerId: 'o1', quantity: 101 }] }],
    [
      'the same offer twice',
      {
        ...body,
        items: [
          { offerId: 'o1', quantity: 1 },
          { offerId: 'o1', quantity: 1 },
        ],
      },
    ],
    ['no items', { ...body, items: [] }],
    [
      '21 lines',
      { ...body, items: Array.from({ length: 21 }, (_, n) => ({ offerId: `o${n}`, quantity: 1 })) },
    ],
    ['a card failing Luhn', { ...body, payment: { ...body.payment, cardNumber: '4242424242424241' } }],
    [
      'a postal code of 4 digits',
      { ...body, shippingAddress: { ...body.shippingAddress, postalCode: '3412' } },
    ],
    ['an unknown field', { ...body, coupon: 'FREE' }],
  ])('refuses %s', (_name, input) => {
    expect(orderInputSchema.safeParse(input).success).toBe(false);
  });

  it('checks card numbers with Luhn', () => {
    expect(['4242424242424242', '4000000000000002', '4000000000009995'].every(passesLuhn)).toBe(true);
    expect(passesLuhn('4242424242424243')).toBe(false);
  });
});

describe('pricing', () => {
  const sellerA = (overrides: Partial<Offer>) =>
    offer({ offerId: 'a', groupId: 'g', sellerId: 'A', ...overrides });

  it('charges the catalog price and each seller’s shipping once (its highest fee)', () => {
    const { items, amounts } = priceOrder([
      { offer: sellerA({ offerId: 'a1', price: 10_000, shippingFee: 2_500 }), quantity: 2 },
      { offer: sellerA({ offerId: 'a2', price: 3_000, shippingFee: 3_000 }), quantity: 1 },
      {
        offer: offer({ offerId: 'b1', groupId: 'h', sellerId: 'B', price: 7_000, shippingFee: 0 }),
        quantity: 3,
      },
    ]);
    expect(amounts).toEqual({ items: 44_000, discount: 0, shipping: 3_000, total: 47_000 });
    expect(items.map((item) => [item.offerId, item.unitPrice, item.promotionId])).toEqual([
      ['a1', 10_000, null],
      ['a2', 3_000, null],
      ['b1', 7_000, null],
    ]);
  });

  it('takes discounts from the promotion rule, never below zero', () => {
    const { items, amounts } = priceOrder(
      [{ offer: sellerA({ price: 5_000, shippingFee: 0 }), quantity: 2 }],
      () => ({
        promotionId: 'p1',
        unitDiscount: 9_000,
      }),
    );
    expect(items[0]).toMatchObject({ unitDiscount: 5_000, promotionId: 'p1' });
    expect(amounts.total).toBe(0);
  });

  it('bands amounts for analytics', () => {
    expect([9_999, 10_000, 49_999, 99_999, 100_000, 999_999, 1_000_000].map(amountBand)).toEqual([
      'under 10k',
      '10k-50k',
      '10k-50k',
      '50k-100k',
      '100k-500k',
      '500k-1m',
      '1m+',
    ]);
  });
});

const line = (
  offerId: string,
  sellerId: string,
  quantity: number,
  unitPrice: number,
  unitDiscount = 0,
): OrderItem => ({
  offerId,
  groupId: `g-${offerId}`,
  sellerId,
  title: offerId,
  category: 'test',
  quantity,
  unitPrice,
  unitCost: 1,
  unitDiscount,
  promotionId: unitDiscount ? 'p1' : null,
});
const shipment = (sellerId: string, status: Shipment['status'], shippingFee = 3_000): Shipment => ({
  sellerId,
  status,
  shippingFee,
  events: [],
});
const request = (
  offerId: string,
  quantity: number,
  kind: ReturnRequest['kind'] = 'return',
  status: ReturnRequest['status'] = 'completed',
): ReturnRequest => ({
  returnId: `r-${offerId}-${quantity}`,
  kind,
  offerId,
  sellerId: offerId.startsWith('a') ? 'A' : 'B',
  quantity,
  reason: 'r',
  status,
  requestedAt: '2026-03-01T00:00:00.000Z',
});
// Seller A: a 1-won item; seller B: a 1,500,000-won television, two units, 10,000 off each.
const items = [line('a1', 'A', 1, 1), line('b1', 'B', 2, 1_500_000, 10_000)];

describe('order status, derived from shipments and returns', () => {
  it('is the payment stage before payment, and after a failed payment or a cancellation', () => {
    for (const stage of ['placed', 'payment_failed', 'cancelled'] as const)
      expect(orderStatusOf(stage, [shipment('A', 'preparing')], items, [])).toBe(stage);
  });

  it('goes paid → shipped while any shipment travels → delivered when every one is', () => {
    const status = (a: Shipment['status'], b: Shipment['status']) =>
      orderStatusOf('paid', [shipment('A', a), shipment('B', b)], items, []);
    expect(status('preparing', 'preparing')).toBe('paid');
    expect(status('shipped', 'preparing')).toBe('shipped');
    expect(status('delivered', 'preparing')).toBe('shipped');
    expect(status('delivered', 'shipped')).toBe('shipped');
    expect(status('delivered', 'delivered')).toBe('delivered');
  });

  it('shows open requests first, then how much came back', () => {
    const delivered = [shipment('A', 'delivered'), shipment('B', 'delivered')];
    const status = (returns: ReturnRequest[]) => orderStatusOf('paid', delivered, items, returns);
    expect(status([request('b1', 1, 'return', 'requested')])).toBe('return_requested');
    expect(status([request('b1', 1, 'exchange', 'requested')])).toBe('exchange_requested');
    expect(status([request('b1', 1, 'exchange', 'requested'), request('a1', 1)])).toBe('exchange_requested');
    expect(status([request('b1', 1)])).toBe('partially_returned');
    expect(status([request('b1', 2), request('a1', 1)])).toBe('returned');
    expect(status([request('b1', 1, 'exchange')])).toBe('exchanged');
  });

  it('moves a shipment only preparing → shipped → delivered', () => {
    expect(canMoveShipment('preparing', 'shipped')).toBe(true);
    expect(canMoveShipment('shipped', 'delivered')).toBe(true);
    expect(canMoveShipment('preparing', 'delivered')).toBe(false);
    expect(canMoveShipment('delivered', 'shipped')).toBe(false);
    expect(canMoveShipment('cancelled', 'shipped')).toBe(false);
  });
});

describe('returns per line', () => {
  const shipments = [shipment('A', 'delivered', 2_500), shipment('B', 'delivered', 0)];

  it("refunds exactly the line's units, price less discount, and shipping once the seller's whole shipment is back", () => {
    expect(returnRefund(items, shipments, [], { offerId: 'b1', quantity: 1 })).toEqual({
      items: 1_490_000,
      shipping: 0,
      total: 1_490_000,
    });
    expect(returnRefund(items, shipments, [], { offerId: 'a1', quantity: 1 })).toEqual({
      items: 1,
      shipping: 2_500,
      total: 2_501,
    });
  });

  it('adds up to the total when everything comes back, in any order and any steps', () => {
    const {
      items: priced,
      amounts,
      shipments: fresh,
    } = priceOrder([
      {
        offer: offer({ offerId: 'a1', groupId: 'g', sellerId: 'A', price: 12_000, shippingFee: 3_000 }),
        quantity: 3,
      },
      {
        offer: offer({ offerId: 'a2', groupId: 'g', sellerId: 'A', price: 5_000, shippingFee: 2_500 }),
        quantity: 1,
      },
      {
        offer: offer({ offerId: 'b1', groupId: 'g', sellerId: 'B', price: 7_000, shippingFee: 4_000 }),
        quantity: 2,
      },
    ]);
    const steps = [
      { offerId: 'a1', quantity: 1 },
      { offerId: 'b1', quantity: 2 },
      { offerId: 'a1', quantity: 2 },
      { offerId: 'a2', quantity: 1 },
    ];
    const returns: ReturnRequest[] = [];
    let refunded = 0;
    for (const step of steps) {
      const refund = returnRefund(priced, fresh, returns, step);
      refunded += refund.total;
      expect(refunded).toBeLessThanOrEqual(amounts.total);
      returns.push({ ...request(step.offerId, step.quantity), refund });
    }
    expect(refunded).toBe(amounts.total);
  });

  it('leaves at most the units bought to ask about; a completed exchange frees its units again', () => {
    const tv = items[1] as OrderItem;
    expect(unitsOpenToRequest(tv, [])).toBe(2);
    expect(unitsOpenToRequest(tv, [request('b1', 1), request('b1', 1, 'exchange', 'requested')])).toBe(0);
    expect(unitsOpenToRequest(tv, [request('b1', 1), request('b1', 1, 'exchange')])).toBe(1);
    expect(unitsOpenToRequest(tv, [request('a1', 1)])).toBe(2);
  });

  it('takes lines with quantities and a reason', () => {
    const input = { lines: [{ offerId: 'b1', quantity: 1 }], reason: 'broken screen' };
    expect(afterSalesInputSchema.parse(input)).toEqual(input);
    expect(afterSalesInputSchema.safeParse({ ...input, lines: [] }).success).toBe(false);
    expect(afterSalesInputSchema.safeParse({ ...input, reason: ' ' }).success).toBe(false);
    expect(
      afterSalesInputSchema.safeParse({ ...input, lines: [input.lines[0], input.lines[0]] }).success,
    ).toBe(false);
  });
});

describe('orders stored before shipments', () => {
  const old = {
    items,
    amounts: { items: 3_000_001, discount: 20_000, shipping: 5_001, total: 2_985_002 },
    trackingNumber: 'CJ1',
    placedAt: '2026-03-01T00:00:00.000Z',
    updatedAt: '2026-03-02T00:00:00.000Z',
  };

  it('get one shipment per seller at the order status, the shipping charged split over them', () => {
    const { shipments, returns } = legacyFulfilment({ ...old, status: 'shipped' });
    expect(shipments).toEqual([
      { sellerId: 'A', status: 'shipped', shippingFee: 2_501, trackingNumber: 'CJ1', events: [] },
      { sellerId: 'B', status: 'shipped', shippingFee: 2_500, trackingNumber: 'CJ1', events: [] },
    ]);
    expect(returns).toEqual([]);
    expect(orderStatusOf('paid', shipments, items, returns)).toBe('shipped');
    expect(legacyFulfilment({ ...old, status: 'paid' }).shipments.map((s) => s.status)).toEqual([
      'preparing',
      'preparing',
    ]);
  });

  it('keep their status: a requested return of every unit, a completed one refunding the total', () => {
    for (const status of [
      'delivered',
      'return_requested',
      'exchange_requested',
      'returned',
      'exchanged',
    ] as const) {
      const { shipments, returns } = legacyFulfilment({ ...old, status });
      expect(orderStatusOf('paid', shipments, items, returns)).toBe(status);
    }
    const { returns } = legacyFulfilment({ ...old, status: 'returned' });
    expect(returns.reduce((sum, r) => sum + (r.refund?.total ?? 0), 0)).toBe(old.amounts.total);
  });
});
