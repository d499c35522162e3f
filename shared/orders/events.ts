/**
 * Order events on the order topic, keyed by order id so one order's events stay in order. Each
 * carries what history and analytics need: the lines with seller, product group, quantity, unit
 * price, unit cost, discount and promotion; the amounts; each seller's shipment (status, fee,
 * tracking number); the buyer's age band, gender and region (never their name, address or card);
 * the order's version; and, for refunds, the amount and the line it pays back. Written as schema
 * version 2 (shared/events/order.ts).
 */
import { amountBand } from '../domain/order';
import type { Order } from '../dynamo/order-store';
import { domainEvent } from '../events/envelope';
import { eventEntry, type OutboxEntry } from '../outbox/entries';

export { orderEventTypes } from '../events';

export function orderEventEntry(
  type: string,
  order: Order,
  now: Date,
  extra: Record<string, unknown> = {},
): OutboxEntry {
  return eventEntry(
    'orderEvents',
    domainEvent(
      {
        type,
        source: 'checkout',
        key: order.orderId,
        schemaVersion: 2,
        data: {
          orderId: order.orderId,
          memberId: order.memberId,
          status: order.status,
          version: order.version,
          items: order.items,
          amounts: order.amounts,
          shipments: order.shipments.map(({ events: _events, ...shipment }) => shipment),
          buyer: { ...order.buyer, amountBand: amountBand(order.amounts.total) },
          ...extra,
        },
      },
      now,
    ),
  );
}
