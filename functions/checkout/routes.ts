/** Contracts of checkout: placing orders, the buyer's orders, cancellation, returns, shipments. */
import * as z from 'zod';
import { roles } from '../../shared/domain/member';
import {
  afterSalesInputSchema,
  deliveryStatuses,
  orderInputSchema,
  orderStatuses,
  shipmentStatuses,
} from '../../shared/domain/order';
import { text } from '../../shared/domain/text';
import { defineRoute } from '../../shared/http';

const won = z.int().describe('Won');
const shipment = z.object({
  sellerId: z.string(),
  status: z.enum(shipmentStatuses),
  shippingFee: won,
  trackingNumber: z.string().optional(),
  events: z
    .array(
      z.object({ status: z.enum(shipmentStatuses), at: z.string(), trackingNumber: z.string().optional() }),
    )
    .describe('Each move after placement, oldest first'),
});
const returnRequest = z.object({
  returnId: z.string(),
  kind: z.enum(['return', 'exchange']),
  offerId: z.string(),
  sellerId: z.string(),
  quantity: z.int(),
  reason: z.string(),
  status: z.enum(['requested', 'completed']),
  requestedAt: z.string(),
  completedAt: z.string().optional(),
  refund: z
    .object({ items: won, shipping: won, total: won })
    .optional()
    .describe(
      "A completed return's refund: the units' charge, and the seller's shipping fee once its whole shipment is returned",
    ),
});
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
  shippingAddress: z
    .object({
      recipient: z.string(),
      phone: z.string(),
      postalCode: z.string(),
      line1: z.string(),
      line2: z.string().optional(),
    })
    .optional()
    .describe('Absent once erased, some time after the order is finished (see docs/members.md)'),
  personalDataErasedAt: z.string().optional().describe('When the shipping address was erased'),
  payment: z.object({
    method: z.literal('card'),
    last4: z.string(),
    refunded: won,
    declineReason: z.string().optional(),
  }),
  placedAt: z.string(),
  updatedAt: z.string(),
  version: z.int(),
  shipments: z.array(shipment).describe('One per seller, each with its own status and tracking'),
  returns: z.array(returnRequest).describe('Returns and exchanges, one per line asked about'),
});

const orderParams = z.strictObject({ orderId: z.uuid() });
const entityIdParam = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);
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
  headers: z.object({
    'idempotency-key': z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{8,100}$/, '8-100 of A-Z a-z 0-9 _ . : -')
      .describe('Names this checkout: a retry with the same key and body answers the same order'),
  }),
  body: orderInputSchema,
  response: order,
  successStatus: 201,
  otherResponses: {
    200: {
      description: 'A retry with the same Idempotency-Key: the order the first request placed',
      schema: order,
    },
    402: conflict('payment_declined: the order exists with status payment_failed and its stock is back'),
    403: conflict('forbidden: the caller has no role; own_offer: a seller cannot buy its own offer'),
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
  otherResponses: { 422: conflict("invalid_cursor: not a cursor of the caller's list") },
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
  otherResponses: {
    404: conflict('not_found: no order of the caller with this id'),
    409: conflict('illegal_transition: a shipment has left, or the order ended; order_busy: retry'),
    503: conflict('refund_pending: cancelled, the refund did not go through yet; repeat the request'),
  },
});

/** A buyer's request about units of delivered lines, with a reason. */
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
    body: afterSalesInputSchema,
    response: order,
    otherResponses: {
      404: conflict('not_found: no order of the caller with this id'),
      409: conflict(
        "not_delivered: a line's shipment is not delivered; quantity_exceeded: more units than are left to ask about; illegal_transition: the order was not paid; order_busy: retry",
      ),
      422: conflict('unknown_line: the order has no line of that offer'),
    },
    maxBodyBytes: 8 * 1024,
  });

export const requestReturnRoute = afterDelivery(
  'requestReturn',
  '/orders/{orderId}/returns',
  'Asks to return units of delivered lines (each refunded when its seller receives them)',
);

export const requestExchangeRoute = afterDelivery(
  'requestExchange',
  '/orders/{orderId}/exchanges',
  'Asks to exchange units of delivered lines',
);

const notYours = (what: string) =>
  conflict(`not_found: no such order, or no ${what} of the caller in it (another seller's is never shown)`);

export const updateShipmentRoute = defineRoute({
  operationId: 'updateShipment',
  method: 'put',
  path: '/orders/{orderId}/shipments/{sellerId}',
  summary: "A seller moves its own shipment of the order on (a courier, acting as admin, any seller's)",
  tags: ['checkout'],
  auth: ['seller', 'admin'],
  priority: 'essential',
  params: z.strictObject({ orderId: z.uuid(), sellerId: entityIdParam }),
  body: z.strictObject({
    status: z.enum(deliveryStatuses).describe('shipped from preparing, delivered from shipped'),
    trackingNumber: text(50).optional(),
  }),
  response: z.object({ orderId: z.string(), version: z.int(), shipment }),
  otherResponses: {
    404: notYours('shipment'),
    409: conflict('illegal_transition: the shipment (or the order) does not allow it; order_busy: retry'),
  },
  maxBodyBytes: 2 * 1024,
});

export const completeReturnRoute = defineRoute({
  operationId: 'completeReturn',
  method: 'post',
  path: '/orders/{orderId}/returns/{returnId}/complete',
  summary:
    "The line's seller (or an admin) received the units: a return is refunded and restocked, an exchange completed",
  tags: ['checkout'],
  auth: ['seller', 'admin'],
  priority: 'essential',
  params: z.strictObject({ orderId: z.uuid(), returnId: entityIdParam }),
  response: z.object({ orderId: z.string(), version: z.int(), return: returnRequest }),
  otherResponses: {
    404: notYours('return or exchange of a line'),
    409: conflict('illegal_transition: already completed meanwhile; order_busy: retry'),
    503: conflict('refund_pending: completed, the refund did not go through yet; repeat the request'),
  },
});

export const checkoutRoutes = [
  placeOrderRoute,
  listOrdersRoute,
  getOrderRoute,
  cancelOrderRoute,
  requestReturnRoute,
  requestExchangeRoute,
  updateShipmentRoute,
  completeReturnRoute,
];
