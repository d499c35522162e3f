/** Contracts of checkout: placing orders, the buyer's orders, cancellation, returns, delivery. */
import * as z from 'zod';
import { roles } from '../../shared/domain/member';
import { deliveryStatuses, orderInputSchema, orderStatuses } from '../../shared/domain/order';
import { defineRoute } from '../../shared/http';

const won = z.int().describe('Won');
const order = z.object({
  orderId: z.string(),
  status: z.enum(orderStatuses),
  items: z.array(
    z.object({
      offerId: z.string(),
      groupId: z.string(),
      sellerId: z.string(),
      title: z.string(),
      quantity: z.int(),
      unitPrice: won,
      unitDiscount: won,
      promotionId: z.string().nullable(),
    }),
  ),
  amounts: z.object({ items: won, discount: won, shipping: won, total: won }),
  shippingAddress: z.object({
    recipient: z.string(),
    phone: z.string(),
    postalCode: z.string(),
    line1: z.string(),
    line2: z.string().optional(),
  }),
  payment: z.object({
    method: z.literal('card'),
    last4: z.string(),
    refunded: won,
    declineReason: z.string().optional(),
  }),
  placedAt: z.string(),
  updatedAt: z.string(),
  version: z.int(),
  trackingNumber: z.string().optional(),
});

const orderParams = z.strictObject({ orderId: z.uuid() });
const reason = z.strictObject({ reason: z.string().trim().min(1).max(500) });
const conflict = (description: string) => ({ description, schema: z.unknown() });

export const placeOrderRoute = defineRoute({
  operationId: 'placeOrder',
  method: 'post',
  path: '/orders',
  summary:
    'Orders offers at their current prices and pays; send an Idempotency-Key header (retries answer the same order)',
  tags: ['checkout'],
  auth: roles,
  // Checkout's writes are what a traffic spike must never take down: never shed.
  priority: 'essential',
  body: orderInputSchema,
  response: order,
  successStatus: 201,
  otherResponses: {
    200: {
      description: 'A retry with the same Idempotency-Key: the order the first request placed',
      schema: order,
    },
    402: conflict('payment_declined: the order exists with status payment_failed and its stock is back'),
    404: conflict('not_found: an offer does not exist'),
    409: conflict(
      'out_of_stock; offer_changed (review and retry); promotion_ended (a promotion the price included ended or changed: retry for the current price); promotion_limit_reached (retry for the current price); request_in_progress (retry)',
    ),
    422: conflict(
      'idempotency_key_reused: the key was used for a different request (lines, address or payment method; the card is not compared); order_too_large: too many lines under distinct promotions for one order (split it)',
    ),
  },
  maxBodyBytes: 16 * 1024,
});

export const listOrdersRoute = defineRoute({
  operationId: 'listOrders',
  method: 'get',
  path: '/orders',
  summary: "The caller's orders, newest first",
  tags: ['checkout'],
  auth: roles,
  query: z.strictObject({
    limit: z.coerce.number().int().min(1).max(50).default(20),
    cursor: z.string().max(1_000).optional().describe('nextCursor of the previous page'),
  }),
  response: z.object({ orders: z.array(order), nextCursor: z.string().nullable() }),
});

export const getOrderRoute = defineRoute({
  operationId: 'getOrder',
  method: 'get',
  path: '/orders/{orderId}',
  summary: "One of the caller's orders",
  tags: ['checkout'],
  auth: roles,
  params: orderParams,
  response: order,
});

export const cancelOrderRoute = defineRoute({
  operationId: 'cancelOrder',
  method: 'post',
  path: '/orders/{orderId}/cancel',
  summary: 'Cancels an order before it ships: refund and stock back',
  tags: ['checkout'],
  auth: roles,
  priority: 'essential',
  params: orderParams,
  response: order,
  otherResponses: { 409: conflict('illegal_transition: the order has shipped or ended') },
});

/** A buyer's request about a delivered order, with a reason. */
const afterDelivery = <const Id extends string, const Path extends string>(
  operationId: Id,
  path: Path,
  summary: string,
) =>
  defineRoute({
    operationId,
    method: 'post',
    path,
    summary,
    tags: ['checkout'],
    auth: roles,
    priority: 'essential',
    params: orderParams,
    body: reason,
    response: order,
    otherResponses: { 409: conflict('illegal_transition: the order is not delivered') },
    maxBodyBytes: 4 * 1024,
  });

export const requestReturnRoute = afterDelivery(
  'requestReturn',
  '/orders/{orderId}/returns',
  'Asks to return a delivered order (refunded when the seller receives it)',
);

export const requestExchangeRoute = afterDelivery(
  'requestExchange',
  '/orders/{orderId}/exchanges',
  'Asks to exchange a delivered order',
);

export const updateDeliveryRoute = defineRoute({
  operationId: 'updateDelivery',
  method: 'put',
  path: '/orders/{orderId}/delivery',
  summary: 'A seller of the order (or a courier acting as admin) moves its delivery on',
  tags: ['checkout'],
  auth: ['seller', 'admin'],
  priority: 'essential',
  params: orderParams,
  body: z.strictObject({
    status: z.enum(deliveryStatuses),
    trackingNumber: z.string().trim().min(1).max(50).optional(),
  }),
  response: z.object({ orderId: z.string(), status: z.enum(orderStatuses), version: z.int() }),
  otherResponses: { 409: conflict('illegal_transition') },
  maxBodyBytes: 2 * 1024,
});

export const checkoutRoutes = [
  placeOrderRoute,
  listOrdersRoute,
  getOrderRoute,
  cancelOrderRoute,
  requestReturnRoute,
  requestExchangeRoute,
  updateDeliveryRoute,
];
