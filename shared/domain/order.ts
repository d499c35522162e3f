/**
 * Orders: what a buyer sends, how an order is priced (from the catalog, never from the client), and
 * the states an order moves through. Pure: no storage, no clock of its own.
 */
import * as z from 'zod';
import { catalogId, type Offer } from './catalog';
import { text } from './text';

export const maxOrderLines = 20;
export const maxQuantity = 100;

/** Luhn's check digit, which every real card number passes. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

// Patterns spell digits [0-9]: a JSON Schema pattern is ECMAScript, where \d is ASCII only, but
// clients (and fuzzers) may read it with a regex engine whose \d is any Unicode digit.
const cardNumber = z
  .string()
  .regex(/^[ -]*(?:[0-9][ -]*){12,19}$/, '12 to 19 digits, spaces and "-" between them allowed')
  .describe('12 to 19 digits passing the Luhn check; spaces and "-" are ignored')
  .transform((value) => value.replace(/[ -]/g, ''))
  .refine(passesLuhn, 'not a valid card number');

export const orderInputSchema = z.strictObject({
  items: z
    .array(z.strictObject({ offerId: catalogId, quantity: z.int().min(1).max(maxQuantity) }))
    .min(1)
    .max(maxOrderLines)
    .refine((items) => new Set(items.map((item) => item.offerId)).size === items.length, 'each offer once')
    .describe('Each offer at most once'),
  shippingAddress: z.strictObject({
    recipient: text(50),
    phone: z
      .string()
      .regex(/^0[0-9]{1,2}-?[0-9]{3,4}-?[0-9]{4}$/, 'a Korean phone number, e.g. 010-1234-5678'),
    postalCode: z.string().regex(/^[0-9]{5}$/, 'five digits'),
    line1: text(200),
    line2: z.string().trim().max(200).optional(),
  }),
  payment: z.strictObject({
    method: z.literal('card'),
    cardNumber,
    expiryMonth: z.int().min(1).max(12),
    expiryYear: z.int().min(2000).max(2100),
  }),
});
export type OrderInput = z.output<typeof orderInputSchema>;

export const orderStatuses = [
  'placed',
  'paid',
  'payment_failed',
  'shipped',
  'delivered',
  'cancelled',
  'return_requested',
  'returned',
  'exchange_requested',
  'exchanged',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** The statuses a seller or courier reports as an order travels (PUT /orders/{orderId}/delivery). */
export const deliveryStatuses = ['shipped', 'delivered', 'returned', 'exchanged'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** Who may move an order on: the buyer, or the seller/courier through the delivery endpoint. */
export type OrderAction =
  | 'pay'
  | 'fail_payment'
  | 'cancel'
  | 'ship'
  | 'deliver'
  | 'request_return'
  | 'complete_return'
  | 'request_exchange'
  | 'complete_exchange';

const transitions: Record<OrderAction, { from: readonly OrderStatus[]; to: OrderStatus }> = {
  pay: { from: ['placed'], to: 'paid' },
  fail_payment: { from: ['placed'], to: 'payment_failed' },
  cancel: { from: ['placed', 'paid'], to: 'cancelled' },
  ship: { from: ['paid'], to: 'shipped' },
  deliver: { from: ['shipped'], to: 'delivered' },
  request_return: { from: ['delivered'], to: 'return_requested' },
  complete_return: { from: ['return_requested'], to: 'returned' },
  request_exchange: { from: ['delivered'], to: 'exchange_requested' },
  complete_exchange: { from: ['exchange_requested'], to: 'exchanged' },
};

/** The status after the action, or undefined when the action is not allowed from this status. */
export function nextStatus(current: OrderStatus, action: OrderAction): OrderStatus | undefined {
  const rule = transitions[action];
  return rule.from.includes(current) ? rule.to : undefined;
}

/** The statuses an action may start from (the condition of the write that performs it). */
export function statusesAllowing(action: OrderAction): readonly OrderStatus[] {
  return transitions[action].from;
}

export interface OrderItem {
  offerId: string;
  groupId: string;
  sellerId: string;
  title: string;
  category: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  /** Won off each unit; 0 without a promotion. */
  unitDiscount: number;
  promotionId: string | null;
}

export interface OrderAmounts {
  items: number;
  discount: number;
  shipping: number;
  total: number;
}

/** A promotion's effect on one line; the seam where promotions plug into pricing. */
export type DiscountRule = (
  offer: Offer,
  quantity: number,
) => { promotionId: string; unitDiscount: number } | undefined;

export const noPromotions: DiscountRule = () => undefined;

/**
 * Prices the lines from the offers as they are now: each line at the offer's price less its
 * promotion, and each seller's shipping fee once per order (the highest fee among that seller's
 * lines), as a seller ships one parcel.
 */
export function priceOrder(
  lines: readonly { offer: Offer; quantity: number }[],
  discountFor: DiscountRule = noPromotions,
): { items: OrderItem[]; amounts: OrderAmounts } {
  const items = lines.map(({ offer, quantity }): OrderItem => {
    const discount = discountFor(offer, quantity);
    return {
      offerId: offer.offerId,
      groupId: offer.groupId,
      sellerId: offer.sellerId,
      title: offer.title,
      category: offer.category,
      quantity,
      unitPrice: offer.price,
      unitCost: offer.unitCost,
      unitDiscount: Math.min(offer.price, discount?.unitDiscount ?? 0),
      promotionId: discount?.promotionId ?? null,
    };
  });
  const shippingBySeller = new Map<string, number>();
  for (const { offer } of lines) {
    shippingBySeller.set(
      offer.sellerId,
      Math.max(shippingBySeller.get(offer.sellerId) ?? 0, offer.shippingFee),
    );
  }
  const gross = items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
  const discount = items.reduce((sum, item) => sum + item.unitDiscount * item.quantity, 0);
  const shipping = [...shippingBySeller.values()].reduce((sum, fee) => sum + fee, 0);
  return { items, amounts: { items: gross, discount, shipping, total: gross - discount + shipping } };
}

/** Amount bands analytics buckets purchases by, in won. */
export function amountBand(total: number): string {
  const bands: [number, string][] = [
    [10_000, 'under 10k'],
    [50_000, '10k-50k'],
    [100_000, '50k-100k'],
    [500_000, '100k-500k'],
    [1_000_000, '500k-1m'],
  ];
  return bands.find(([limit]) => total < limit)?.[1] ?? '1m+';
}
