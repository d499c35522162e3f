/**
 * The orders table, and the stock of the catalog's offers as orders take and give it back.
 * Items: an order, pk `ORDER#<orderId>`, sk `ORDER`, listed per buyer by gsi1 (`BUYER#<memberId>`,
 * `<placedAt>#<orderId>`, newest last). An order stored before orders had shipments (one status
 * and one `trackingNumber`) is read as one shipment per seller (legacyFulfilment) and stored in
 * the new shape by its next change.
 *
 * Placing an order is one transaction: every line's stock taken (conditional on enough stock, the
 * offer listed and the price still the one charged), every promotion it is priced with checked as
 * unchanged and its units counted, the order written, and its outbox entries written. Concurrent buyers therefore can never take more than there is; DynamoDB refuses the
 * transaction of whoever comes too late. Each status change is one transaction too: conditional
 * on the status it starts from, with its stock given back and its outbox entries.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  legacyFulfilment,
  type OrderAmounts,
  type OrderItem,
  type OrderStatus,
  type ReturnRequest,
  type Shipment,
} from '../domain/order';
import { type OutboxEntry, outboxPut } from '../outbox/entries';
import { dynamoClient, tableName } from './client';
import { erasureMarkers } from './order-erasure';
import { giveBackPromotionUnits, type PromotionUse, takePromotionUnits } from './promotion-store';

export interface ShippingAddress {
  recipient: string;
  phone: string;
  postalCode: string;
  line1: string;
  line2?: string;
}

export interface Order {
  orderId: string;
  memberId: string;
  status: OrderStatus;
  items: OrderItem[];
  amounts: OrderAmounts;
  /** Absent once erased (shared/domain/order-erasure.ts). */
  shippingAddress?: ShippingAddress;
  personalDataErasedAt?: string;
  payment: { method: 'card'; last4: string; refunded: number; declineReason?: string };
  /** Age band, gender and region of the buyer when ordering, for analytics. */
  buyer: { ageBand: string; gender: string; region: string };
  placedAt: string;
  updatedAt: string;
  /** Incremented by every change; every event of the order carries it. */
  version: number;
  /** One per seller of the lines, in the order of each seller's first line. */
  shipments: Shipment[];
  /** The buyer's returns and exchanges, oldest first. */
  returns: ReturnRequest[];
}

/** A line could not be taken: not enough stock, or the offer changed or left the catalog. */
export class StockUnavailableError extends Error {
  constructor(
    readonly offerId: string,
    readonly reason: 'out_of_stock' | 'offer_changed',
  ) {
    super(`Offer ${offerId}: ${reason}`);
    this.name = 'StockUnavailableError';
  }
}

/** A promotion of the order has no units left for it: in all, or for this member. */
export class PromotionLimitError extends Error {
  constructor(
    readonly promotionId: string,
    readonly limit: 'total' | 'member',
  ) {
    super(`Promotion ${promotionId}: ${limit} limit reached`);
    this.name = 'PromotionLimitError';
  }
}

/** A promotion of the order ended or changed after the order was priced with it. */
export class PromotionEndedError extends Error {
  constructor(readonly promotionId: string) {
    super(`Promotion ${promotionId} ended or changed`);
    this.name = 'PromotionEndedError';
  }
}

/** DynamoDB's limit on the items of one transaction. */
const transactionLimit = 100;

/** The order needs more items than one DynamoDB transaction holds (many lines, each its own promotion). */
export class OrderTooLargeError extends Error {
  constructor(readonly items: number) {
    super(`Placing the order takes ${items} transaction items, more than ${transactionLimit}`);
    this.name = 'OrderTooLargeError';
  }
}

/** The order is no longer in a status the change may start from. */
export class OrderStatusConflictError extends Error {
  constructor(readonly orderId: string) {
    super(`Order ${orderId} changed status meanwhile`);
    this.name = 'OrderStatusConflictError';
  }
}

export const orderKey = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
const pendingShards = 4;
/**
 * While an order waits for its payment's outcome, a marker lists it for the reconciler: should the
 * function end before the outcome is known, the order is settled later, not left holding stock.
 */
const pendingPaymentKey = (order: Pick<Order, 'orderId' | 'placedAt'>) => ({
  pk: `PAYMENT-PENDING#${order.orderId.charCodeAt(0) % pendingShards}`,
  sk: `${order.placedAt}#${order.orderId}`,
});
const offerKey = (offerId: string) => ({ pk: `OFFER#${offerId}`, sk: 'OFFER' });

function orderItem(order: Order): Record<string, unknown> {
  return {
    ...orderKey(order.orderId),
    gsi1pk: `BUYER#${order.memberId}`,
    gsi1sk: `${order.placedAt}#${order.orderId}`,
    ...order,
  };
}

function orderFromItem(item: Record<string, unknown>): Order {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, ...stored } = item;
  if (Array.isArray(stored.shipments)) return stored as unknown as Order;
  const { trackingNumber: _tracking, ...order } = stored as unknown as Order & { trackingNumber?: string };
  return { ...order, ...legacyFulfilment(stored as unknown as Parameters<typeof legacyFulfilment>[0]) };
}

const takeStock = (item: OrderItem) => ({
  Update: {
    TableName: tableName('catalog'),
    Key: offerKey(item.offerId),
    UpdateExpression: 'SET stock = stock - :quantity ADD version :one',
    ConditionExpression: 'removed = :false AND stock >= :quantity AND price = :price',
    ExpressionAttributeValues: {
      ':quantity': item.quantity,
      ':one': 1,
      ':false': false,
      ':price': item.unitPrice,
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  },
});

const giveBackStock = (item: OrderItem) => ({
  Update: {
    TableName: tableName('catalog'),
    Key: offerKey(item.offerId),
    UpdateExpression: 'SET stock = stock + :quantity ADD version :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':quantity': item.quantity, ':one': 1 },
  },
});

function isConflict(error: unknown): boolean {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict')
  );
}

/** Runs a transaction, retrying (with jitter) while it only collides with concurrent ones. */
export async function transact(input: ConstructorParameters<typeof TransactWriteCommand>[0]): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await dynamoClient().send(new TransactWriteCommand(input));
      return;
    } catch (error) {
      if (!isConflict(error) || attempt >= 8) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(attempt, 5)));
    }
  }
}

/** Units of the restocked lines given back to their promotions, one entry per promotion. */
function promotionReturns(memberId: string, restock: readonly OrderItem[]) {
  const units = new Map<string, number>();
  for (const item of restock) {
    if (item.promotionId) units.set(item.promotionId, (units.get(item.promotionId) ?? 0) + item.quantity);
  }
  return [...units].flatMap(([promotionId, count]) =>
    giveBackPromotionUnits({ promotionId, memberId, units: count }),
  );
}

/**
 * Takes the stock of every line and the promoted units of every promotion, and writes the order
 * with its outbox entries, or nothing.
 */
export async function placeOrder(
  order: Order,
  outbox: readonly OutboxEntry[],
  promotionUses: readonly PromotionUse[] = [],
): Promise<void> {
  const items = [
    ...order.items.map(takeStock),
    ...promotionUses.flatMap(takePromotionUnits),
    {
      Put: {
        TableName: tableName('orders'),
        Item: orderItem(order),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: tableName('orders'),
        Item: { ...pendingPaymentKey(order), orderId: order.orderId },
      },
    },
    ...outbox.map(outboxPut),
  ];
  if (items.length > transactionLimit) throw new OrderTooLargeError(items.length);
  try {
    await transact({ TransactItems: items });
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      for (const [index, item] of order.items.entries()) {
        const reason = reasons[index];
        if (reason?.Code !== 'ConditionalCheckFailed') continue;
        const old = reason.Item;
        const enough = Number(old?.stock?.N ?? 0) >= item.quantity && old?.removed?.BOOL === false;
        throw new StockUnavailableError(item.offerId, enough ? 'offer_changed' : 'out_of_stock');
      }
      for (const [index, use] of promotionUses.entries()) {
        // Each use is three items: the promotion's check, then the total's and the member's updates.
        const at = order.items.length + 3 * index;
        if (reasons[at]?.Code === 'ConditionalCheckFailed') throw new PromotionEndedError(use.promotionId);
        if (reasons[at + 1]?.Code === 'ConditionalCheckFailed')
          throw new PromotionLimitError(use.promotionId, 'total');
        if (reasons[at + 2]?.Code === 'ConditionalCheckFailed')
          throw new PromotionLimitError(use.promotionId, 'member');
      }
    }
    throw error;
  }
}

/** What a change pays back, when it does. */
export interface ChangeRefund {
  /** Won paid back by this change; `next.payment.refunded` already counts it. */
  amount: number;
}

/**
 * Moves the order from one of `from` (at the version before `next`) to `next`, writing it whole,
 * giving back the stock of `restock` lines (and their promoted units; a line's quantity is the
 * units given back), with the outbox entries; OrderStatusConflictError if it moved meanwhile. A
 * refund is conditional on what the stored order has refunded so far: never past its total.
 */
export async function changeOrder(
  next: Order,
  from: readonly OrderStatus[],
  outbox: readonly OutboxEntry[],
  restock: readonly OrderItem[] = [],
  refund?: ChangeRefund,
): Promise<void> {
  const statuses = Object.fromEntries(from.map((status, index) => [`:from${index}`, status]));
  const refundCondition = refund ? ' AND #payment.#refunded <= :mostRefunded' : '';
  try {
    await transact({
      TransactItems: [
        {
          Put: {
            TableName: tableName('orders'),
            Item: orderItem(next),
            ConditionExpression: `#status IN (${Object.keys(statuses).join(', ')}) AND version = :previous${refundCondition}`,
            ExpressionAttributeNames: {
              '#status': 'status',
              ...(refund && { '#payment': 'payment', '#refunded': 'refunded' }),
            },
            ExpressionAttributeValues: {
              ...statuses,
              ':previous': next.version - 1,
              ...(refund && { ':mostRefunded': next.amounts.total - refund.amount }),
            },
          },
        },
        ...restock.map(giveBackStock),
        ...promotionReturns(next.memberId, restock),
        ...outbox.map(outboxPut),
        ...erasureMarkers(next),
        // A paid order keeps its marker until the payment is captured (clearPaymentMarker).
        ...(next.status === 'payment_failed'
          ? [{ Delete: { TableName: tableName('orders'), Key: pendingPaymentKey(next) } }]
          : []),
      ],
    });
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    ) {
      throw new OrderStatusConflictError(next.orderId);
    }
    throw error;
  }
}

export async function findOrder(orderId: string): Promise<Order | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tableName('orders'), Key: orderKey(orderId), ConsistentRead: true }),
  );
  return Item ? orderFromItem(Item) : undefined;
}

export interface OrderPage {
  orders: Order[];
  /** Where the next page starts; undefined on the last page. */
  next?: Record<string, unknown>;
}

/** A buyer's orders, newest first. */
export async function ordersOfBuyer(
  memberId: string,
  limit: number,
  after?: Record<string, unknown>,
): Promise<OrderPage> {
  const page = await dynamoClient().send(
    new QueryCommand({
      TableName: tableName('orders'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :buyer',
      ExpressionAttributeValues: { ':buyer': `BUYER#${memberId}` },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: after,
    }),
  );
  return { orders: (page.Items ?? []).map(orderFromItem), next: page.LastEvaluatedKey };
}

/** Forgets the marker of an order whose payment is captured, or settled some other way. */
export async function clearPaymentMarker(order: Pick<Order, 'orderId' | 'placedAt'>): Promise<void> {
  await dynamoClient().send(
    new DeleteCommand({ TableName: tableName('orders'), Key: pendingPaymentKey(order) }),
  );
}

/** Orders placed before `before` whose payment outcome was never settled. */
export async function ordersAwaitingPayment(before: Date): Promise<string[]> {
  const markers = await markersBefore('PAYMENT-PENDING', pendingShards, before.toISOString(), 100);
  return markers.map((item) => String(item.orderId));
}

/**
 * Markers kept in the orders table over `shards` partitions (`<prefix>#<shard>`), sorted by
 * `<instant>#<id>`: those of every shard before `before`, at most `limit` of each.
 */
export async function markersBefore(
  prefix: string,
  shards: number,
  before: string,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const pages = await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      dynamoClient().send(
        new QueryCommand({
          TableName: tableName('orders'),
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: { ':pk': `${prefix}#${shard}`, ':before': before },
          Limit: limit,
        }),
      ),
    ),
  );
  return pages.flatMap((page) => page.Items ?? []);
}
