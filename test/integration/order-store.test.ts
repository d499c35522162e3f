/**
 * The orders table's own guarantees on the test stack's DynamoDB Local, whatever the code above it
 * computes: a refund is written only while the refunds of the order stay within what it charged.
 */
import { randomUUID } from 'node:crypto';
import { closeDynamo } from '../../shared/dynamo/client';
import {
  changeOrder,
  findOrder,
  type Order,
  OrderStatusConflictError,
  placeOrder,
} from '../../shared/dynamo/order-store';
import { testOrder } from '../support/orders';

afterAll(() => closeDynamo());

async function storedOrder(refunded: number): Promise<Order> {
  // No lines to take stock of: only the order item is written.
  const order = testOrder([], {
    memberId: `m-${randomUUID()}`,
    status: 'delivered',
    amounts: { items: 30_000, discount: 0, shipping: 3_000, total: 33_000 },
    payment: { method: 'card', last4: '4242', refunded },
    version: 5,
    shipments: [{ sellerId: 's1', status: 'delivered', shippingFee: 3_000, events: [] }],
  });
  await placeOrder(order, []);
  return order;
}

describe('refunds in the order write', () => {
  it('are refused by the condition once they would pass the total, even when the code computed otherwise', async () => {
    const order = await storedOrder(30_000);
    // A change computed from a stale read: it believes nothing was refunded yet.
    const next: Order = {
      ...order,
      status: 'partially_returned',
      version: 6,
      payment: { ...order.payment, refunded: 10_000 },
    };
    await expect(changeOrder(next, ['delivered'], [], [], { amount: 10_000 })).rejects.toThrow(
      OrderStatusConflictError,
    );
    expect((await findOrder(order.orderId))?.payment.refunded).toBe(30_000);
    // Up to the total is written.
    const last: Order = { ...next, status: 'returned', payment: { ...order.payment, refunded: 33_000 } };
    await changeOrder(last, ['delivered'], [], [], { amount: 3_000 });
    expect((await findOrder(order.orderId))?.payment.refunded).toBe(33_000);
  });
});
