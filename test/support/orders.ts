/** Orders written straight to the store, for tests of what happens to an order after checkout. */
import { randomUUID } from 'node:crypto';
import type { OrderItem } from '../../shared/domain/order';
import type { Order } from '../../shared/dynamo/order-store';

export interface TestLine {
  offerId: string;
  sellerId: string;
  quantity: number;
  unitPrice: number;
  groupId?: string;
}

/**
 * A placed order of these lines at their prices (no discount, no shipping), each seller's lines in
 * one shipment being prepared; `overrides` replace any field.
 */
export function testOrder(lines: readonly TestLine[], overrides: Partial<Order> = {}): Order {
  const now = new Date().toISOString();
  const items = lines.map(
    (line): OrderItem => ({
      offerId: line.offerId,
      groupId: line.groupId ?? 'g',
      sellerId: line.sellerId,
      title: 'Test product',
      category: 'test',
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      unitCost: Math.floor(line.unitPrice / 2),
      unitDiscount: 0,
      promotionId: null,
    }),
  );
  const total = items.reduce((sum, item) => sum + item.unitPrice * item.quantity, 0);
  const sellers = [...new Set(lines.map((line) => line.sellerId))];
  return {
    orderId: randomUUID(),
    memberId: randomUUID(),
    status: 'placed',
    items,
    amounts: { items: total, discount: 0, shipping: 0, total },
    shipments: sellers.map((sellerId) => ({ sellerId, status: 'preparing', shippingFee: 0, events: [] })),
    returns: [],
    shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '04524', line1: 'Seoul' },
    payment: { method: 'card', last4: '4242', refunded: 0 },
    buyer: { ageBand: '30s', gender: 'female', region: 'seoul' },
    placedAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  };
}
