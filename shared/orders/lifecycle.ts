/**
 * An order after checkout: the buyer cancels (before shipping: refund, stock back), asks for a
 * return or an exchange (after delivery); the seller or courier ships, delivers, completes returns
 * (refund, stock back) and exchanges. Every change is conditional on the status it starts from, so
 * two changes racing cannot both apply; an action the status does not allow is 409.
 */

import { randomUUID } from 'node:crypto';
import type { Role } from '../domain/member';
import {
  type DeliveryStatus,
  nextStatus,
  type OrderAction,
  type OrderStatus,
  statusesAllowing,
} from '../domain/order';
import { changeOrder, findOrder, type Order, OrderStatusConflictError } from '../dynamo/order-store';
import { ApiError, ConflictError, ForbiddenError, NotFoundError } from '../http';
import { logger } from '../logger';
import { type OutboxEntry, offerSnapshotEntry } from '../outbox/entries';
import { sendSoon } from '../outbox/outbox';
import { payments as configuredPayments } from '../payments/configured';
import type { PaymentProvider } from '../payments/provider';
import { orderEventEntry, orderEventTypes } from './events';
import { markPromotions, promotionsOf } from './promotions';
import { buyersOrder } from './view';

const eventOf: Record<OrderAction, string> = {
  pay: orderEventTypes.paid,
  fail_payment: orderEventTypes.paymentFailed,
  cancel: orderEventTypes.cancelled,
  ship: orderEventTypes.shipped,
  deliver: orderEventTypes.delivered,
  request_return: orderEventTypes.returnRequested,
  complete_return: orderEventTypes.returned,
  request_exchange: orderEventTypes.exchangeRequested,
  complete_exchange: orderEventTypes.exchanged,
};

function illegal(order: Order, action: OrderAction): ConflictError {
  return new ConflictError(
    'illegal_transition',
    `An order that is ${order.status.replace('_', ' ')} cannot be changed by "${action}"`,
  );
}

interface Change {
  action: OrderAction;
  patch?: Partial<Order>;
  extra?: Record<string, unknown>;
  /** Refund this much (won) under this refund id once the change is stored. */
  refund?: { refundId: string; amount: number };
  restock?: boolean;
}

async function apply(order: Order, change: Change, payments: PaymentProvider, now: Date): Promise<Order> {
  const status = nextStatus(order.status, change.action);
  if (!status) throw illegal(order, change.action);
  const refunded = order.payment.refunded + (change.refund?.amount ?? 0);
  const next: Order = {
    ...order,
    ...change.patch,
    status,
    payment: { ...order.payment, refunded },
    version: order.version + 1,
    updatedAt: now.toISOString(),
  };
  const entries: OutboxEntry[] = [
    orderEventEntry(eventOf[change.action], next, now, {
      ...change.extra,
      ...(change.refund ? { refund: change.refund.amount } : {}),
    }),
    ...(change.restock ? next.items.map((item) => offerSnapshotEntry(item.offerId, randomUUID(), now)) : []),
  ];
  try {
    await changeOrder(next, statusesAllowing(change.action), entries, change.restock ? next.items : []);
  } catch (error) {
    if (error instanceof OrderStatusConflictError) {
      const current = (await findOrder(order.orderId)) ?? order;
      throw illegal(current, change.action);
    }
    throw error;
  }
  await sendSoon(entries);
  if (change.restock) await markPromotions(promotionsOf(next), false);
  if (change.refund) await refund(payments, next, change.refund);
  return next;
}

/** Pays back; the order already records it, so a failure here is retried by repeating the request. */
async function refund(
  payments: PaymentProvider,
  order: Order,
  { refundId, amount }: { refundId: string; amount: number },
) {
  if (amount <= 0) return;
  try {
    await payments.refund(order.orderId, refundId, amount);
  } catch (error) {
    logger.error('refund failed', { orderId: order.orderId, refundId, error: error as Error });
    throw new ApiError(
      503,
      'refund_pending',
      'The change is stored; the refund did not go through yet, repeat the request',
      undefined,
      {
        'Retry-After': '1',
      },
    );
  }
}

/** Statuses at which repeating the buyer's request repeats a refund that may not have gone through. */
const refundedAt: Partial<Record<OrderStatus, string>> = { cancelled: 'cancel', returned: 'return' };

export async function cancelOrder(
  memberId: string,
  orderId: string,
  payments = configuredPayments,
  now = new Date(),
): Promise<Order> {
  const order = await buyersOrder(memberId, orderId);
  if (order.status === 'cancelled') {
    await refund(payments, order, { refundId: 'cancel', amount: order.payment.refunded });
    return order;
  }
  const paid = order.status === 'paid';
  return apply(
    order,
    {
      action: 'cancel',
      restock: true,
      ...(paid && { refund: { refundId: 'cancel', amount: order.amounts.total } }),
    },
    payments,
    now,
  );
}

/** The buyer asks, after delivery, to return (`request_return`) or exchange (`request_exchange`). */
export async function requestAfterDelivery(
  memberId: string,
  orderId: string,
  action: 'request_return' | 'request_exchange',
  reason: string,
  now = new Date(),
): Promise<Order> {
  const order = await buyersOrder(memberId, orderId);
  return apply(order, { action, extra: { reason } }, configuredPayments, now);
}

const actionFor: Record<DeliveryStatus, OrderAction> = {
  shipped: 'ship',
  delivered: 'deliver',
  returned: 'complete_return',
  exchanged: 'complete_exchange',
};

/** A seller of one of the order's lines (or an admin) moves its delivery on. */
export async function updateDelivery(
  caller: { memberId: string; roles: readonly Role[] },
  orderId: string,
  update: { status: DeliveryStatus; trackingNumber?: string },
  payments = configuredPayments,
  now = new Date(),
): Promise<Order> {
  const order = await findOrder(orderId);
  if (!order) throw new NotFoundError(`No order ${orderId}`);
  const sells = order.items.some((item) => item.sellerId === caller.memberId);
  if (!sells && !caller.roles.includes('admin'))
    throw new ForbiddenError('This order has none of your offers');
  if (update.status === 'returned' && order.status === 'returned') {
    await refund(payments, order, {
      refundId: refundedAt.returned ?? 'return',
      amount: order.payment.refunded,
    });
    return order;
  }
  const action = actionFor[update.status];
  const returning = action === 'complete_return';
  return apply(
    order,
    {
      action,
      ...(update.trackingNumber && { patch: { trackingNumber: update.trackingNumber } }),
      restock: returning,
      ...(returning && {
        refund: { refundId: 'return', amount: order.amounts.total - order.payment.refunded },
      }),
    },
    payments,
    now,
  );
}
