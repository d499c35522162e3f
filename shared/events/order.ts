/**
 * Events of the order topic, keyed by order id so one order's events stay in order. Each carries
 * what history and analytics need: the lines, the amounts, the buyer's demographics (never their
 * name, address or card), the order's status and version; refunds carry the amount.
 *
 * Version 1 is of orders with one status for the whole order (a return refunded all of it);
 * version 2, what checkout sends now, adds each seller's shipment, says which shipment moved, and
 * makes returns and exchanges per line: OrderReturned carries the line, the units and the won
 * they paid back. Consumers read both.
 */
import * as z from 'zod';
import { genders, regions } from '../domain/member';
import {
  maxOrderLines,
  maxQuantity,
  type OrderStatus,
  orderStatuses,
  shipmentStatuses,
} from '../domain/order';
import type { DeclineReason } from '../payments/provider';
import type { TopicEventsDefinition } from './definition';
import { ageBandField, entityId, won } from './fields';

export const orderEventTypes = {
  placed: 'OrderPlaced',
  paid: 'OrderPaid',
  paymentFailed: 'OrderPaymentFailed',
  cancelled: 'OrderCancelled',
  shipped: 'OrderShipped',
  delivered: 'OrderDelivered',
  returnRequested: 'OrderReturnRequested',
  returned: 'OrderReturned',
  exchangeRequested: 'OrderExchangeRequested',
  exchanged: 'OrderExchanged',
} as const;

// Keyed by every DeclineReason, so a new reason cannot be forgotten here.
const declineReasons = {
  card_declined: 'card_declined',
  insufficient_funds: 'insufficient_funds',
  expired_card: 'expired_card',
  card_not_supported: 'card_not_supported',
  voided: 'voided',
} as const satisfies { [Reason in DeclineReason]: Reason };

const orderItem = z.strictObject({
  offerId: entityId,
  groupId: entityId.describe('The product group of the offer'),
  sellerId: entityId,
  title: z.string().min(1).max(200).describe("The offer's title when ordered"),
  category: z.string().min(1).max(100),
  quantity: z.int().min(1).max(maxQuantity),
  unitPrice: won.describe("Won: the offer's price when ordered"),
  unitCost: won.describe("Won: the seller's cost of one unit when ordered"),
  unitDiscount: won.describe('Won off each unit; 0 without a promotion'),
  promotionId: z.string().min(1).nullable().describe('The promotion that gave the discount, or null'),
});

const orderFields = {
  orderId: entityId.describe('The order, also the record key'),
  memberId: entityId.describe('The buyer'),
  version: z.int().positive().describe('Incremented by every change of the order'),
  items: z.array(orderItem).min(1).max(maxOrderLines).describe("The order's lines, priced when ordered"),
  amounts: z.strictObject({
    items: won.describe('Won: unit prices times quantities'),
    discount: won.describe('Won: unit discounts times quantities'),
    shipping: won.describe("Won: each seller's highest shipping fee among its lines"),
    total: won.describe('Won charged: items - discount + shipping'),
  }),
  buyer: z
    .strictObject({
      ageBand: ageBandField,
      gender: z.enum(genders),
      region: z.enum(regions),
      amountBand: z.string().min(1).describe('Band of the total in won, e.g. "10k-50k", "1m+"'),
    })
    .describe('The buyer when ordering, as analytics buckets purchases'),
};

/** The data of an order event whose order is now in `status`, with any fields of its own. */
function orderEvent<Status extends OrderStatus, Extra extends z.ZodRawShape>(status: Status, extra: Extra) {
  return z.strictObject({
    ...orderFields,
    status: z.literal(status).describe("The order's status after this change"),
    ...extra,
  });
}

const requestReason = z.string().trim().min(1).max(500).describe("The buyer's reason, as they wrote it");

export const orderPlacedV1 = orderEvent('placed', {});
export const orderPaidV1 = orderEvent('paid', {});
export const orderPaymentFailedV1 = orderEvent('payment_failed', {
  reason: z.enum(declineReasons).describe('Why the payment was declined; "voided" when it never arrived'),
});
export const orderCancelledV1 = orderEvent('cancelled', {
  refund: won.optional().describe('Won paid back; absent when the order was not paid yet'),
});
export const orderShippedV1 = orderEvent('shipped', {});
export const orderDeliveredV1 = orderEvent('delivered', {});
export const orderReturnRequestedV1 = orderEvent('return_requested', { reason: requestReason });
export const orderReturnedV1 = orderEvent('returned', {
  refund: won.describe('Won paid back: what was charged and not refunded yet'),
});
export const orderExchangeRequestedV1 = orderEvent('exchange_requested', { reason: requestReason });
export const orderExchangedV1 = orderEvent('exchanged', {});

const shipmentField = z.strictObject({
  sellerId: entityId,
  status: z.enum(shipmentStatuses).describe('preparing, shipped, delivered, or cancelled with the order'),
  shippingFee: won.describe("Won: the seller's shipping fee charged with the order"),
  trackingNumber: z.string().min(1).max(50).optional(),
});

const orderFieldsV2 = {
  ...orderFields,
  shipments: z
    .array(shipmentField)
    .min(1)
    .max(maxOrderLines)
    .describe("One per seller of the lines, in the order of each seller's first line"),
};

/** The post-payment statuses, which a v2 event of a shipment or a return may leave the order in. */
const fulfilmentStatus = z
  .enum(
    orderStatuses.filter(
      (status) => status !== 'placed' && status !== 'payment_failed' && status !== 'cancelled',
    ),
  )
  .describe("The order's status after this change, derived from its shipments and returns");

function orderEventV2<Extra extends z.ZodRawShape>(status: z.ZodType<OrderStatus>, extra: Extra) {
  return z.strictObject({ ...orderFieldsV2, status, ...extra });
}
const statusIs = (status: OrderStatus) => z.literal(status).describe("The order's status after this change");

const requestedLines = z
  .array(
    z.strictObject({
      returnId: z.string().min(1).max(64).describe('The request, completed by the seller of the line'),
      offerId: entityId,
      quantity: z.int().min(1).max(maxQuantity),
    }),
  )
  .min(1)
  .max(maxOrderLines)
  .describe('The lines asked about, one request each');
const shipmentMoved = {
  sellerId: entityId.describe('The seller whose shipment moved'),
  trackingNumber: z.string().min(1).max(50).optional(),
};

export const orderPlacedV2 = orderEventV2(statusIs('placed'), {});
export const orderPaidV2 = orderEventV2(statusIs('paid'), {});
export const orderPaymentFailedV2 = orderEventV2(statusIs('payment_failed'), {
  reason: orderPaymentFailedV1.shape.reason,
});
export const orderCancelledV2 = orderEventV2(statusIs('cancelled'), {
  refund: won.optional().describe('Won paid back (or released); absent when the order was not paid yet'),
});
export const orderShippedV2 = orderEventV2(fulfilmentStatus, shipmentMoved);
export const orderDeliveredV2 = orderEventV2(fulfilmentStatus, shipmentMoved);
export const orderReturnRequestedV2 = orderEventV2(fulfilmentStatus, {
  reason: requestReason,
  requests: requestedLines,
});
export const orderReturnedV2 = orderEventV2(fulfilmentStatus, {
  returnId: z.string().min(1).max(64),
  returned: z
    .strictObject({
      offerId: entityId,
      quantity: z.int().min(1).max(maxQuantity).describe('Units returned and restocked'),
      amount: won.describe('Won paid back for the units: their price less their discount'),
      shipping: won.describe(
        "Won of the seller's shipping fee paid back: all of it once its whole shipment is returned, else 0",
      ),
    })
    .describe('The line this return pays back'),
  refund: won.describe('Won paid back by this return: amount + shipping'),
});
export const orderExchangeRequestedV2 = orderEventV2(fulfilmentStatus, {
  reason: requestReason,
  requests: requestedLines,
});
export const orderExchangedV2 = orderEventV2(fulfilmentStatus, {
  returnId: z.string().min(1).max(64),
  exchanged: z.strictObject({ offerId: entityId, quantity: z.int().min(1).max(maxQuantity) }),
});

export const orderEvents = {
  description: 'Every change of every order, written with the change in the outbox and relayed.',
  key: 'order id',
  source: 'checkout',
  types: {
    [orderEventTypes.placed]: {
      description: 'An order was placed: its stock is taken and its payment is being authorised.',
      versions: { 1: orderPlacedV1, 2: orderPlacedV2 },
    },
    [orderEventTypes.paid]: {
      description:
        'The payment was authorized and the order paid; the capture follows (a cancel that lands first voids the authorization).',
      versions: { 1: orderPaidV1, 2: orderPaidV2 },
    },
    [orderEventTypes.paymentFailed]: {
      description: 'The payment was declined or never arrived; the stock is given back.',
      versions: { 1: orderPaymentFailedV1, 2: orderPaymentFailedV2 },
    },
    [orderEventTypes.cancelled]: {
      description: 'The buyer cancelled before shipping; the stock is given back, a payment refunded.',
      versions: { 1: orderCancelledV1, 2: orderCancelledV2 },
    },
    [orderEventTypes.shipped]: {
      description: 'A seller shipped the order (v2: its own shipment, named by sellerId).',
      versions: { 1: orderShippedV1, 2: orderShippedV2 },
    },
    [orderEventTypes.delivered]: {
      description: "The order was delivered (v2: one seller's shipment, named by sellerId).",
      versions: { 1: orderDeliveredV1, 2: orderDeliveredV2 },
    },
    [orderEventTypes.returnRequested]: {
      description: 'The buyer asked to return the delivered order (v2: units of delivered lines).',
      versions: { 1: orderReturnRequestedV1, 2: orderReturnRequestedV2 },
    },
    [orderEventTypes.returned]: {
      description:
        "The return arrived; the stock is given back and the rest of the payment refunded (v2: one line's returned units are restocked and their charge refunded).",
      versions: { 1: orderReturnedV1, 2: orderReturnedV2 },
    },
    [orderEventTypes.exchangeRequested]: {
      description: 'The buyer asked to exchange the delivered order (v2: units of delivered lines).',
      versions: { 1: orderExchangeRequestedV1, 2: orderExchangeRequestedV2 },
    },
    [orderEventTypes.exchanged]: {
      description: "The exchange was completed (v2: of one line's units).",
      versions: { 1: orderExchangedV1, 2: orderExchangedV2 },
    },
  },
} as const satisfies TopicEventsDefinition;

const orderEventDataV1 = z.discriminatedUnion('status', [
  orderPlacedV1,
  orderPaidV1,
  orderPaymentFailedV1,
  orderCancelledV1,
  orderShippedV1,
  orderDeliveredV1,
  orderReturnRequestedV1,
  orderReturnedV1,
  orderExchangeRequestedV1,
  orderExchangedV1,
]);
const orderEventDataV2 = z.union([
  orderPlacedV2,
  orderPaidV2,
  orderPaymentFailedV2,
  orderCancelledV2,
  orderShippedV2,
  orderDeliveredV2,
  orderReturnRequestedV2,
  orderReturnedV2,
  orderExchangeRequestedV2,
  orderExchangedV2,
]);
/** The data of an order event of any version. */
export const orderEventDataSchema = z.union([orderEventDataV1, orderEventDataV2]);
export type OrderEventData = z.infer<typeof orderEventDataSchema>;
