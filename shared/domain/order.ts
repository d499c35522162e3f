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

/** A buyer's return or exchange request: some units of some delivered lines, with a reason. */
export const afterSalesInputSchema = z.strictObject({
  lines: z
    .array(z.strictObject({ offerId: catalogId, quantity: z.int().min(1).max(maxQuantity) }))
    .min(1)
    .max(maxOrderLines)
    .refine((lines) => new Set(lines.map((line) => line.offerId)).size === lines.length, 'each offer once'),
  reason: text(500),
});
export type AfterSalesInput = z.output<typeof afterSalesInputSchema>;

/**
 * An order's status, derived from its payment and its shipments (orderStatusOf): `placed`, `paid`,
 * `payment_failed` and `cancelled` are the whole order's; the others say how far its shipments
 * and its returns have come.
 */
export const orderStatuses = [
  'placed',
  'paid',
  'payment_failed',
  'cancelled',
  'shipped',
  'delivered',
  'return_requested',
  'exchange_requested',
  'partially_returned',
  'returned',
  'exchanged',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** Where an order stands with its payment; every status past `paid` is of a paid order. */
export type PaymentStage = 'placed' | 'paid' | 'payment_failed' | 'cancelled';

export function paymentStageOf(status: OrderStatus): PaymentStage {
  return status === 'placed' || status === 'payment_failed' || status === 'cancelled' ? status : 'paid';
}

/** One seller's parcel of an order: every line of that seller, shipped together. */
export const shipmentStatuses = ['preparing', 'shipped', 'delivered', 'cancelled'] as const;
export type ShipmentStatus = (typeof shipmentStatuses)[number];

/** The statuses a seller or courier reports as a shipment travels (PUT /orders/{id}/shipments/{sellerId}). */
export const deliveryStatuses = ['shipped', 'delivered'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface DeliveryEvent {
  status: ShipmentStatus;
  at: string;
  trackingNumber?: string;
}

export interface Shipment {
  sellerId: string;
  status: ShipmentStatus;
  /** Won: the seller's shipping fee charged with the order. */
  shippingFee: number;
  trackingNumber?: string;
  /** Each move of the shipment after placement, oldest first. */
  events: DeliveryEvent[];
}

/** The move a shipment may make to each reported status. */
const shipmentMoves: Record<DeliveryStatus, ShipmentStatus> = { shipped: 'preparing', delivered: 'shipped' };

/** Whether a shipment in `current` may be reported `next`. */
export function canMoveShipment(current: ShipmentStatus, next: DeliveryStatus): boolean {
  return shipmentMoves[next] === current;
}

/** A buyer's request about some units of one delivered line, completed by that line's seller. */
export interface ReturnRequest {
  returnId: string;
  kind: 'return' | 'exchange';
  offerId: string;
  sellerId: string;
  quantity: number;
  reason: string;
  status: 'requested' | 'completed';
  requestedAt: string;
  completedAt?: string;
  /** Won paid back by a completed return: the units' charge and, when it is due, shipping. */
  refund?: { items: number; shipping: number; total: number };
}

/** Units of the line not returned, nor asked to be returned or exchanged. */
export function unitsOpenToRequest(
  item: Pick<OrderItem, 'offerId' | 'quantity'>,
  returns: readonly ReturnRequest[],
) {
  let taken = 0;
  for (const request of returns) {
    if (request.offerId !== item.offerId) continue;
    // A completed exchange gave the buyer replacements: those units can be asked about again.
    if (request.kind === 'return' || request.status === 'requested') taken += request.quantity;
  }
  return item.quantity - taken;
}

/** Units of the line returned and refunded. */
function unitsReturned(offerId: string, returns: readonly ReturnRequest[]): number {
  return returns
    .filter(
      (request) => request.offerId === offerId && request.kind === 'return' && request.status === 'completed',
    )
    .reduce((sum, request) => sum + request.quantity, 0);
}

/**
 * The status of an order, from its payment stage, its shipments and its returns: a request still
 * open shows first (`return_requested` before `exchange_requested`), then how much came back
 * (`returned` when every unit did, `partially_returned` when some did), then how far the
 * shipments are: `paid` while every one is being prepared, `delivered` when every one is (or
 * `exchanged` once an exchange was completed), `shipped` in between.
 */
export function orderStatusOf(
  stage: PaymentStage,
  shipments: readonly Pick<Shipment, 'status'>[],
  items: readonly Pick<OrderItem, 'offerId' | 'quantity'>[],
  returns: readonly ReturnRequest[],
): OrderStatus {
  if (stage !== 'paid') return stage;
  const open = returns.filter((request) => request.status === 'requested');
  if (open.some((request) => request.kind === 'return')) return 'return_requested';
  if (open.length > 0) return 'exchange_requested';
  const returned = items.reduce((sum, item) => sum + unitsReturned(item.offerId, returns), 0);
  const bought = items.reduce((sum, item) => sum + item.quantity, 0);
  if (returned > 0) return returned >= bought ? 'returned' : 'partially_returned';
  if (shipments.every((shipment) => shipment.status === 'preparing')) return 'paid';
  if (shipments.every((shipment) => shipment.status === 'delivered')) {
    return returns.some((request) => request.kind === 'exchange') ? 'exchanged' : 'delivered';
  }
  return 'shipped';
}

/**
 * What a completed return of `quantity` units of a line pays back: each unit's price less its
 * discount, and the seller's shipping fee when this return makes the seller's whole shipment
 * returned (every unit of every line of that seller). Returns of a whole order therefore add up to
 * exactly its total, and partial ones never more.
 */
export function returnRefund(
  items: readonly OrderItem[],
  shipments: readonly Shipment[],
  returns: readonly ReturnRequest[],
  line: { offerId: string; quantity: number },
): { items: number; shipping: number; total: number } {
  const item = items.find((candidate) => candidate.offerId === line.offerId);
  if (!item) throw new RangeError(`No line ${line.offerId}`);
  const charge = (item.unitPrice - item.unitDiscount) * line.quantity;
  const sellersLines = items.filter((candidate) => candidate.sellerId === item.sellerId);
  const whole = sellersLines.every(
    (candidate) =>
      unitsReturned(candidate.offerId, returns) + (candidate.offerId === item.offerId ? line.quantity : 0) >=
      candidate.quantity,
  );
  const fee = shipments.find((shipment) => shipment.sellerId === item.sellerId)?.shippingFee ?? 0;
  const shipping = whole ? fee : 0;
  return { items: charge, shipping, total: charge + shipping };
}

/**
 * The shipments and returns of an order stored before orders had them (one status and one
 * tracking number for the whole order): one shipment per seller at the order's stage of delivery,
 * and a return or exchange of every unit when the order was in one. The old orders kept no fee
 * per seller, so the shipping charged is split evenly over the sellers (the first takes the
 * remainder): the shares add up to what was charged.
 */
export function legacyFulfilment(order: {
  status: OrderStatus;
  items: readonly OrderItem[];
  amounts: OrderAmounts;
  trackingNumber?: string;
  placedAt: string;
  updatedAt: string;
}): { shipments: Shipment[]; returns: ReturnRequest[] } {
  const sellers = [...new Set(order.items.map((item) => item.sellerId))];
  const share = Math.floor(order.amounts.shipping / sellers.length);
  const remainder = order.amounts.shipping - share * sellers.length;
  const status: ShipmentStatus =
    order.status === 'placed' || order.status === 'paid'
      ? 'preparing'
      : order.status === 'payment_failed' || order.status === 'cancelled'
        ? 'cancelled'
        : order.status === 'shipped'
          ? 'shipped'
          : 'delivered';
  const shipments = sellers.map((sellerId, index) => ({
    sellerId,
    status,
    shippingFee: share + (index === 0 ? remainder : 0),
    ...(order.trackingNumber && status !== 'preparing' && { trackingNumber: order.trackingNumber }),
    events: [],
  }));
  const kind = order.status.startsWith('return')
    ? 'return'
    : order.status.startsWith('exchange')
      ? 'exchange'
      : undefined;
  if (!kind) return { shipments, returns: [] };
  const completed = order.status === 'returned' || order.status === 'exchanged';
  const returns: ReturnRequest[] = [];
  for (const [index, item] of order.items.entries()) {
    const request: ReturnRequest = {
      returnId: `legacy-${index + 1}`,
      kind,
      offerId: item.offerId,
      sellerId: item.sellerId,
      quantity: item.quantity,
      reason: 'requested for the whole order',
      status: 'requested',
      requestedAt: order.updatedAt,
    };
    if (completed) {
      request.status = 'completed';
      request.completedAt = order.updatedAt;
      if (kind === 'return') request.refund = returnRefund(order.items, shipments, returns, item);
    }
    returns.push(request);
  }
  return { shipments, returns };
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
 * lines), as a seller ships one parcel: one shipment per seller, in the order of its first line.
 */
export function priceOrder(
  lines: readonly { offer: Offer; quantity: number }[],
  discountFor: DiscountRule = noPromotions,
): { items: OrderItem[]; amounts: OrderAmounts; shipments: Shipment[] } {
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
  const shipments = [...shippingBySeller].map(
    ([sellerId, shippingFee]): Shipment => ({ sellerId, status: 'preparing', shippingFee, events: [] }),
  );
  return {
    items,
    amounts: { items: gross, discount, shipping, total: gross - discount + shipping },
    shipments,
  };
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
