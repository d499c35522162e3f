/** Order rules: what a buyer may send, how an order is priced, which status changes are allowed. */
import type { Offer } from '../../../shared/domain/catalog';
import {
  amountBand,
  nextStatus,
  orderInputSchema,
  passesLuhn,
  priceOrder,
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

describe('order states', () => {
  it('follow placed → paid → shipped → delivered, with cancellation only before shipping', () => {
    expect(nextStatus('placed', 'pay')).toBe('paid');
    expect(nextStatus('paid', 'ship')).toBe('shipped');
    expect(nextStatus('shipped', 'deliver')).toBe('delivered');
    expect(nextStatus('placed', 'cancel')).toBe('cancelled');
    expect(nextStatus('paid', 'cancel')).toBe('cancelled');
    expect(nextStatus('shipped', 'cancel')).toBeUndefined();
    expect(nextStatus('delivered', 'cancel')).toBeUndefined();
  });

  it('allow returns and exchanges only after delivery, each completed once', () => {
    expect(nextStatus('paid', 'request_return')).toBeUndefined();
    expect(nextStatus('delivered', 'request_return')).toBe('return_requested');
    expect(nextStatus('return_requested', 'complete_return')).toBe('returned');
    expect(nextStatus('returned', 'complete_return')).toBeUndefined();
    expect(nextStatus('delivered', 'request_exchange')).toBe('exchange_requested');
    expect(nextStatus('exchange_requested', 'complete_exchange')).toBe('exchanged');
    expect(nextStatus('exchanged', 'deliver')).toBeUndefined();
    expect(nextStatus('payment_failed', 'pay')).toBeUndefined();
  });
});
