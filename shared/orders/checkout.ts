/**
 * Placing an order: prices from the catalog (a seller's own offers refused), stock taken in one
 * transaction with the order and its event, then the payment. A declined payment gives the stock back; a payment whose outcome is
 * unknown (the gateway timed out) is looked up, and voided if it never arrived, before anything
 * is decided. A retried request with the same Idempotency-Key answers the same order.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireSecretKey } from '../config/env';
import type { Offer } from '../domain/catalog';
import { ageBand } from '../domain/member';
import { type OrderInput, priceOrder } from '../domain/order';
import {
  claimIdempotencyKey,
  findIdempotencyClaim,
  type IdempotencyClaim,
} from '../dynamo/idempotency-store';
import { findMember, isWithdrawn } from '../dynamo/member-store';
import { findOffer } from '../dynamo/offer-store';
import {
  changeOrder,
  clearPaymentMarker,
  findOrder,
  type Order,
  OrderStatusConflictError,
  OrderTooLargeError,
  PromotionEndedError,
  PromotionLimitError,
  placeOrder,
  StockUnavailableError,
} from '../dynamo/order-store';
import { ApiError, ConflictError, NotFoundError, UnauthorizedError } from '../http';
import { logger } from '../logger';
import { type OutboxEntry, offerSnapshotEntry } from '../outbox/entries';
import { sendSoon } from '../outbox/outbox';
import { payments as configuredPayments } from '../payments/configured';
import {
  type Authorization,
  type CardDetails,
  type PaymentProvider,
  PaymentTimeoutError,
} from '../payments/provider';
import { giveBack, passGate } from '../redis/stock-gate';
import { orderEventEntry, orderEventTypes } from './events';
import { releasePayment } from './payment';
import {
  forgetStalePromotions,
  markPromotions,
  type PromotionPricing,
  promotionPricing,
  promotionsOf,
} from './promotions';

export interface CheckoutOptions {
  payments?: PaymentProvider;
  /** The instant the order is priced at (promotions active then): now by default. */
  now?: Date;
}

export interface CheckoutResult {
  order: Order;
  /** True when the key had been used: this is the earlier request's order. */
  replayed: boolean;
}

/**
 * What names a request in its idempotency record: an HMAC, keyed per stage, of the request without
 * its card (number and expiry). No digest of a card number is ever stored (next to the order's last
 * four digits, one would give the rest away), so a retry with the same key and another card is the
 * same request and answers the first one's order.
 */
function requestHash(input: OrderInput): string {
  const { items, shippingAddress, payment } = input;
  return createHmac('sha256', requireSecretKey('REQUEST_HASH_KEY'))
    .update(JSON.stringify({ items, shippingAddress, payment: { method: payment.method } }))
    .digest('base64url');
}

async function offersOf(memberId: string, input: OrderInput): Promise<{ offer: Offer; quantity: number }[]> {
  const offers = await Promise.all(input.items.map((item) => findOffer(item.offerId)));
  return input.items.map((item, index) => {
    const offer = offers[index];
    if (!offer || offer.removed) throw new NotFoundError(`No offer ${item.offerId}`);
    // A seller buying its own offer would fake its sales and its reviews.
    if (offer.sellerId === memberId)
      throw new ApiError(
        403,
        'own_offer',
        `Offer ${item.offerId} is yours; a seller cannot buy its own offers`,
      );
    if (offer.stock < item.quantity) {
      throw new ConflictError('out_of_stock', `Offer ${item.offerId} has ${offer.stock} left`);
    }
    return { offer, quantity: item.quantity };
  });
}

function stockEntries(order: Order, now: Date): OutboxEntry[] {
  return order.items.map((item) => offerSnapshotEntry(item.offerId, randomUUID(), now));
}

/**
 * What became of a payment whose answer never came: looked up, and voided if the gateway never
 * got it, so that it is refused if it still arrives.
 */
export async function lookUpPayment(payments: PaymentProvider, order: Order): Promise<Authorization> {
  logger.warn('payment outcome unknown, reconciling', { orderId: order.orderId });
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const found = await payments.find(order.orderId);
    if (found?.state === 'authorized' || found?.state === 'captured') {
      return { status: 'authorized', paymentId: found.paymentId, amount: found.amount, last4: found.last4 };
    }
    if (found)
      return {
        status: 'declined',
        paymentId: order.orderId,
        reason: found.declineReason ?? 'voided',
        last4: found.last4,
      };
    await sleep(200);
  }
  const state = await payments.void(order.orderId);
  return state === 'authorized' || state === 'captured'
    ? {
        status: 'authorized',
        paymentId: order.orderId,
        amount: order.amounts.total,
        last4: order.payment.last4,
      }
    : { status: 'declined', paymentId: order.orderId, reason: 'voided', last4: order.payment.last4 };
}

async function authorize(payments: PaymentProvider, order: Order, card: CardDetails): Promise<Authorization> {
  try {
    return await payments.authorize(order.orderId, order.amounts.total, card);
  } catch (error) {
    if (!(error instanceof PaymentTimeoutError)) throw error;
  }
  return lookUpPayment(payments, order);
}

/**
 * The order was cancelled while its payment was being decided (a cancel is allowed from
 * `placed`): the payment is released (voided, or refunded if it was captured) and the cancelled
 * order answered. Rethrows the conflict when the order moved some other way.
 */
async function cancelledMeanwhile(
  payments: PaymentProvider,
  placed: Order,
  conflict: unknown,
): Promise<Order> {
  const current = await findOrder(placed.orderId);
  if (current?.status !== 'cancelled') throw conflict;
  await releasePayment(payments, current);
  await clearPaymentMarker(current);
  return current;
}

/**
 * Records the payment's outcome: paid, or failed with the stock given back. The order is paid
 * before the payment is captured, conditional on it still being placed: a cancel that landed
 * first wins, and the authorization is voided instead of captured. A cancel landing after the
 * order is paid voids the authorization too (or refunds the capture), so the capture that follows
 * fails and the order is answered cancelled. The payment-pending marker stays until the capture,
 * so a function that ends in between leaves the capture to reconciliation.
 */
export async function settle(
  payments: PaymentProvider,
  placed: Order,
  outcome: Authorization,
  now: Date,
): Promise<Order> {
  if (outcome.status === 'authorized') {
    const paid: Order = {
      ...placed,
      status: 'paid',
      version: placed.version + 1,
      updatedAt: now.toISOString(),
    };
    const entries = [orderEventEntry(orderEventTypes.paid, paid, now)];
    try {
      await changeOrder(paid, ['placed'], entries);
    } catch (error) {
      if (error instanceof OrderStatusConflictError) return cancelledMeanwhile(payments, placed, error);
      throw error;
    }
    await sendSoon(entries);
    return capture(payments, paid);
  }
  const failed: Order = {
    ...placed,
    status: 'payment_failed',
    version: placed.version + 1,
    updatedAt: now.toISOString(),
    payment: { ...placed.payment, declineReason: outcome.reason },
    shipments: placed.shipments.map((shipment) => ({ ...shipment, status: 'cancelled' })),
  };
  const entries = [
    orderEventEntry(orderEventTypes.paymentFailed, failed, now, { reason: outcome.reason }),
    ...stockEntries(failed, now),
  ];
  try {
    await changeOrder(failed, ['placed'], entries, failed.items);
  } catch (error) {
    if (error instanceof OrderStatusConflictError) return cancelledMeanwhile(payments, placed, error);
    throw error;
  }
  await sendSoon(entries);
  await giveBack(failed.items);
  await markPromotions(promotionsOf(failed), false);
  return failed;
}

/**
 * Captures the payment of a paid order, then forgets its marker. A capture refused because the
 * buyer cancelled meanwhile (the authorization was voided) answers the cancelled order.
 */
export async function capture(payments: PaymentProvider, paid: Order): Promise<Order> {
  try {
    await payments.capture(paid.orderId);
  } catch (error) {
    return cancelledMeanwhile(payments, paid, error);
  }
  await clearPaymentMarker(paid);
  return paid;
}

async function replay(earlier: IdempotencyClaim, hash: string): Promise<CheckoutResult> {
  if (earlier.requestHash !== hash) {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used for a different request',
    );
  }
  const order = await findOrder(earlier.orderId);
  if (order) return { order, replayed: true };
  throw new ApiError(
    409,
    'request_in_progress',
    'The first request with this key is still being handled; retry',
    undefined,
    {
      'Retry-After': '1',
    },
  );
}

const outOfStock = (offerId: string) =>
  new ConflictError('out_of_stock', `Offer ${offerId} does not have that many left`);

/**
 * Places the member's order and pays for it. Sold-out answers cost one read and no write: the key
 * is looked up, the offers read, and the stock gate passed before anything is written.
 */
export async function checkout(
  memberId: string,
  idempotencyKey: string,
  input: OrderInput,
  options: CheckoutOptions = {},
): Promise<CheckoutResult> {
  const now = options.now ?? new Date();
  const payments = options.payments ?? configuredPayments;
  const hash = requestHash(input);
  const known = await findIdempotencyClaim(memberId, idempotencyKey);
  if (
    known &&
    (known.requestHash !== hash ||
      (await findOrder(known.orderId)) ||
      now.getTime() - Date.parse(known.claimedAt) < 30_000)
  ) {
    return replay(known, hash);
  }
  // Sold out by the gate's count: answered without reading the offers.
  const first = await passGate(input.items);
  if (first === 'sold_out') throw outOfStock(input.items[0]?.offerId ?? '');
  const lines = await offersOf(memberId, input).catch(async (error: unknown) => {
    if (first === 'passed') await giveBack(input.items);
    throw error;
  });
  const gateLines = lines.map(({ offer, quantity }) => ({
    offerId: offer.offerId,
    quantity,
    stock: offer.stock,
  }));
  const second = first === 'unknown' ? await passGate(gateLines) : first;
  if (second === 'sold_out') throw outOfStock(lines[0]?.offer.offerId ?? '');
  // Units go back to the gate only when it took them (not when Redis did not answer).
  const giveBackTaken = () => (second === 'passed' ? giveBack(gateLines) : Promise.resolve());
  let placed: Order;
  try {
    // A first attempt that ended before placing anything left a claim: its order id is reused.
    const claim = {
      orderId: known?.orderId ?? randomUUID(),
      requestHash: hash,
      claimedAt: now.toISOString(),
    };
    const earlier = known ?? (await claimIdempotencyKey(memberId, idempotencyKey, claim));
    if (earlier && !known) {
      await giveBackTaken();
      return replay(earlier, hash);
    }
    const pricing = await promotionPricing(memberId, lines, now);
    placed = await place(memberId, claim.orderId, input, lines, pricing, now);
  } catch (error) {
    await giveBackTaken();
    throw error;
  }
  const card = {
    number: input.payment.cardNumber,
    expiryMonth: input.payment.expiryMonth,
    expiryYear: input.payment.expiryYear,
  };
  const outcome = await authorize(payments, placed, card);
  return { order: await settle(payments, placed, outcome, now), replayed: false };
}

async function place(
  memberId: string,
  orderId: string,
  input: OrderInput,
  lines: { offer: Offer; quantity: number }[],
  pricing: PromotionPricing,
  now: Date,
): Promise<Order> {
  const member = await findMember(memberId);
  if (!member || isWithdrawn(member)) throw new UnauthorizedError('This account no longer exists');
  const { items, amounts, shipments } = priceOrder(lines, pricing.discountFor);
  const order: Order = {
    orderId,
    memberId,
    status: 'placed',
    items,
    amounts,
    shippingAddress: input.shippingAddress,
    payment: { method: 'card', last4: input.payment.cardNumber.slice(-4), refunded: 0 },
    buyer: { ageBand: ageBand(member.birthYear, now), gender: member.gender, region: member.region },
    placedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
    shipments,
    returns: [],
  };
  const entries = [orderEventEntry(orderEventTypes.placed, order, now), ...stockEntries(order, now)];
  try {
    await placeOrder(order, entries, pricing.uses);
  } catch (error) {
    if (error instanceof PromotionEndedError) {
      await forgetStalePromotions();
      throw new ConflictError(
        'promotion_ended',
        `Promotion ${error.promotionId} has ended or changed; retry for the current price`,
      );
    }
    if (error instanceof OrderTooLargeError) {
      throw new ApiError(
        422,
        'order_too_large',
        'So many lines under so many different promotions do not fit in one order; split it',
      );
    }
    if (error instanceof PromotionLimitError) {
      if (error.limit === 'total') await markPromotions([error.promotionId], true);
      throw new ConflictError(
        'promotion_limit_reached',
        error.limit === 'total'
          ? `Promotion ${error.promotionId} has just sold out; retry for the current price`
          : `You have bought as many units as promotion ${error.promotionId} allows; retry for the current price`,
      );
    }
    if (error instanceof StockUnavailableError) {
      throw error.reason === 'out_of_stock'
        ? outOfStock(error.offerId)
        : new ConflictError(
            'offer_changed',
            `Offer ${error.offerId} changed meanwhile; review the price and retry`,
          );
    }
    throw error;
  }
  await sendSoon(entries);
  await markPromotions(pricing.sellsOut, true);
  return order;
}
