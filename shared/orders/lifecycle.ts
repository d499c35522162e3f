/**
 * An order after checkout. Its lines travel in one shipment per seller: the seller (or a courier,
 * acting as admin) moves its own shipment on, never another's. The buyer cancels the whole order
 * while no shipment has left (stock back, payment voided or refunded), and asks, per line and
 * quantity, for a return or an exchange once that line's shipment is delivered; the line's seller
 * completes it (a return refunds exactly that line's charge and restocks exactly those units).
 * The order's status is derived from all of it (orderStatusOf).
 *
 * Every change is computed from the order as stored and written conditional on its version, so
 * two changes racing cannot both apply: the loser is computed again from the winner's order (two
 * sellers shipping at once both succeed), and an action that order no longer allows is 409.
 */

import { randomUUID } from 'node:crypto';
import type { Caller } from '../domain/member';
import {
  type AfterSalesInput,
  canMoveShipment,
  type DeliveryStatus,
  type OrderItem,
  orderStatusOf,
  type PaymentStage,
  paymentStageOf,
  type ReturnRequest,
  returnRefund,
  type Shipment,
  unitsOpenToRequest,
} from '../domain/order';
import { changeOrder, findOrder, type Order, OrderStatusConflictError } from '../dynamo/order-store';
import { ApiError, ConflictError, NotFoundError } from '../http';
import { type OutboxEntry, offerSnapshotEntry } from '../outbox/entries';
import { sendSoon } from '../outbox/outbox';
import { payments as configuredPayments } from '../payments/configured';
import { orderEventEntry, orderEventTypes } from './events';
import { refund, releasePayment } from './payment';
import { markPromotions, promotionsOf } from './promotions';
import { buyersOrder } from './view';

const illegal = (order: Order, what: string) =>
  new ConflictError(
    'illegal_transition',
    `An order that is ${order.status.replaceAll('_', ' ')} cannot ${what}`,
  );

/** A change planned from the order as stored. */
interface Plan {
  eventType: string;
  next: Order;
  extra?: Record<string, unknown>;
  /** Lines whose stock comes back, each with the units given back. */
  restock?: OrderItem[];
}

/** The order with its shipments, returns, stage and refunds changed, its status derived again. */
function changed(
  order: Order,
  now: Date,
  change: { stage?: PaymentStage; shipments?: Shipment[]; returns?: ReturnRequest[]; refunded?: number },
): Order {
  const shipments = change.shipments ?? order.shipments;
  const returns = change.returns ?? order.returns;
  return {
    ...order,
    shipments,
    returns,
    status: orderStatusOf(change.stage ?? paymentStageOf(order.status), shipments, order.items, returns),
    payment: { ...order.payment, refunded: order.payment.refunded + (change.refunded ?? 0) },
    version: order.version + 1,
    updatedAt: now.toISOString(),
  };
}

const attempts = 5;

/**
 * Loads the order (the first time, `read` when the caller has just read it), plans the change and
 * writes it; planned again from the stored order when another change landed first. Answers the
 * order as written.
 */
async function apply(
  load: () => Promise<Order>,
  plan: (order: Order) => Plan,
  now: Date,
  read?: Order,
): Promise<Order> {
  for (let attempt = 1; ; attempt += 1) {
    const order = attempt === 1 && read ? read : await load();
    const { eventType, next, extra, restock = [] } = plan(order);
    // What this change pays back: the write refuses it once refunds would pass the total.
    const refunded = next.payment.refunded - order.payment.refunded;
    const entries: OutboxEntry[] = [
      orderEventEntry(eventType, next, now, extra),
      ...restock.map((item) => offerSnapshotEntry(item.offerId, randomUUID(), now)),
    ];
    try {
      await changeOrder(next, [order.status], entries, restock, refunded ? { amount: refunded } : undefined);
    } catch (error) {
      if (error instanceof OrderStatusConflictError && attempt < attempts) continue;
      if (error instanceof OrderStatusConflictError)
        throw new ConflictError('order_busy', 'The order kept changing meanwhile; retry');
      throw error;
    }
    await sendSoon(entries);
    if (restock.length > 0) await markPromotions(promotionsOf({ items: restock }), false);
    return next;
  }
}

export async function cancelOrder(
  memberId: string,
  orderId: string,
  payments = configuredPayments,
  now = new Date(),
): Promise<Order> {
  const current = await buyersOrder(memberId, orderId);
  if (current.status === 'cancelled') {
    // A repeat: the release may not have gone through the first time.
    await releasePayment(payments, current);
    return current;
  }
  const cancelled = await apply(
    () => buyersOrder(memberId, orderId),
    (order) => {
      const stage = paymentStageOf(order.status);
      if (stage !== 'placed' && stage !== 'paid') throw illegal(order, 'be cancelled');
      if (order.shipments.some((shipment) => shipment.status !== 'preparing'))
        throw illegal(order, 'be cancelled: a shipment has left');
      const refunded = stage === 'paid' ? order.amounts.total - order.payment.refunded : 0;
      const at = now.toISOString();
      const shipments = order.shipments.map(
        (shipment): Shipment => ({
          ...shipment,
          status: 'cancelled',
          events: [...shipment.events, { status: 'cancelled', at }],
        }),
      );
      return {
        eventType: orderEventTypes.cancelled,
        next: changed(order, now, { stage: 'cancelled', shipments, refunded }),
        ...(refunded > 0 && { extra: { refund: refunded } }),
        restock: order.items,
      };
    },
    now,
    current,
  );
  await releasePayment(payments, cancelled);
  return cancelled;
}

/** An order as a seller of it may see it; any other order, or another seller's part, is 404. */
async function sellersOrder(caller: Caller, orderId: string, sellerId: string): Promise<Order> {
  const order = await findOrder(orderId);
  const allowed = caller.roles.includes('admin') || caller.memberId === sellerId;
  if (!order || !allowed || !order.shipments.some((shipment) => shipment.sellerId === sellerId))
    throw new NotFoundError(`No shipment of seller ${sellerId} in order ${orderId}`);
  return order;
}

/** A seller moves its own shipment of the order on (an admin, any seller's). */
export async function updateShipment(
  caller: Caller,
  orderId: string,
  sellerId: string,
  update: { status: DeliveryStatus; trackingNumber?: string },
  now = new Date(),
): Promise<{ order: Order; shipment: Shipment }> {
  const order = await apply(
    () => sellersOrder(caller, orderId, sellerId),
    (order) => {
      const shipment = order.shipments.find((candidate) => candidate.sellerId === sellerId) as Shipment;
      if (paymentStageOf(order.status) !== 'paid' || !canMoveShipment(shipment.status, update.status)) {
        throw new ConflictError(
          'illegal_transition',
          `A shipment that is ${shipment.status} cannot be reported ${update.status}`,
        );
      }
      const trackingNumber = update.trackingNumber ?? shipment.trackingNumber;
      const moved: Shipment = {
        ...shipment,
        status: update.status,
        ...(trackingNumber && { trackingNumber }),
        events: [
          ...shipment.events,
          {
            status: update.status,
            at: now.toISOString(),
            ...(update.trackingNumber && { trackingNumber: update.trackingNumber }),
          },
        ],
      };
      const shipments = order.shipments.map((candidate) => (candidate === shipment ? moved : candidate));
      return {
        eventType: update.status === 'shipped' ? orderEventTypes.shipped : orderEventTypes.delivered,
        next: changed(order, now, { shipments }),
        extra: { sellerId, ...(trackingNumber && { trackingNumber }) },
      };
    },
    now,
  );
  return { order, shipment: order.shipments.find((shipment) => shipment.sellerId === sellerId) as Shipment };
}

/**
 * The buyer asks to return or exchange some units of delivered lines: one request per line, each
 * for its seller to complete.
 */
export async function requestAfterDelivery(
  memberId: string,
  orderId: string,
  kind: ReturnRequest['kind'],
  input: AfterSalesInput,
  now = new Date(),
): Promise<Order> {
  return apply(
    () => buyersOrder(memberId, orderId),
    (order) => {
      if (paymentStageOf(order.status) !== 'paid') throw illegal(order, `take a ${kind} request`);
      const requests = input.lines.map((line): ReturnRequest => {
        const item = order.items.find((candidate) => candidate.offerId === line.offerId);
        if (!item)
          throw new ApiError(422, 'unknown_line', `Order ${orderId} has no line of offer ${line.offerId}`);
        const shipment = order.shipments.find((candidate) => candidate.sellerId === item.sellerId);
        if (shipment?.status !== 'delivered')
          throw new ConflictError('not_delivered', `The line of offer ${line.offerId} is not delivered yet`);
        const open = unitsOpenToRequest(item, order.returns);
        if (line.quantity > open)
          throw new ConflictError(
            'quantity_exceeded',
            `Only ${open} unit(s) of offer ${line.offerId} can still be returned or exchanged`,
          );
        return {
          returnId: randomUUID(),
          kind,
          offerId: item.offerId,
          sellerId: item.sellerId,
          quantity: line.quantity,
          reason: input.reason,
          status: 'requested',
          requestedAt: now.toISOString(),
        };
      });
      return {
        eventType: kind === 'return' ? orderEventTypes.returnRequested : orderEventTypes.exchangeRequested,
        next: changed(order, now, { returns: [...order.returns, ...requests] }),
        extra: {
          reason: input.reason,
          requests: requests.map(({ returnId, offerId, quantity }) => ({ returnId, offerId, quantity })),
        },
      };
    },
    now,
  );
}

const refundIdOf = (returnId: string) => `return-${returnId}`;

/**
 * The seller of the request's line (or an admin) completes it: a return refunds that line's units
 * (and shipping when it is due) and restocks exactly those units; an exchange refunds nothing.
 */
export async function completeReturn(
  caller: Caller,
  orderId: string,
  returnId: string,
  payments = configuredPayments,
  now = new Date(),
): Promise<{ order: Order; request: ReturnRequest }> {
  const load = async () => {
    const order = await findOrder(orderId);
    const request = order?.returns.find((candidate) => candidate.returnId === returnId);
    if (!order || !request || (!caller.roles.includes('admin') && request.sellerId !== caller.memberId))
      throw new NotFoundError(`No return ${returnId} of yours in order ${orderId}`);
    return order;
  };
  const requestOf = (order: Order) =>
    order.returns.find((candidate) => candidate.returnId === returnId) as ReturnRequest;
  const current = await load();
  const done = requestOf(current);
  if (done.status === 'completed') {
    // A repeat: the refund may not have gone through the first time.
    if (done.refund)
      await refund(payments, current, { refundId: refundIdOf(returnId), amount: done.refund.total });
    return { order: current, request: done };
  }
  const order = await apply(
    load,
    (order) => {
      const request = requestOf(order);
      if (request.status === 'completed' || paymentStageOf(order.status) !== 'paid')
        throw new ConflictError('illegal_transition', `Return ${returnId} is already completed`);
      const item = order.items.find((candidate) => candidate.offerId === request.offerId) as OrderItem;
      const completedAt = now.toISOString();
      if (request.kind === 'exchange') {
        const completed: ReturnRequest = { ...request, status: 'completed', completedAt };
        return {
          eventType: orderEventTypes.exchanged,
          next: changed(order, now, { returns: order.returns.map((r) => (r === request ? completed : r)) }),
          extra: { returnId, exchanged: { offerId: item.offerId, quantity: request.quantity } },
        };
      }
      const paidBack = returnRefund(order.items, order.shipments, order.returns, request);
      const completed: ReturnRequest = { ...request, status: 'completed', completedAt, refund: paidBack };
      return {
        eventType: orderEventTypes.returned,
        next: changed(order, now, {
          returns: order.returns.map((r) => (r === request ? completed : r)),
          refunded: paidBack.total,
        }),
        extra: {
          returnId,
          returned: {
            offerId: item.offerId,
            quantity: request.quantity,
            amount: paidBack.items,
            shipping: paidBack.shipping,
          },
          refund: paidBack.total,
        },
        restock: [{ ...item, quantity: request.quantity }],
      };
    },
    now,
    current,
  );
  const request = requestOf(order);
  if (request.refund)
    await refund(payments, order, { refundId: refundIdOf(returnId), amount: request.refund.total });
  return { order, request };
}
