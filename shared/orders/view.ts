/**
 * Orders as their buyer reads them. Apart from lifecycle.ts, which changes orders and relays their
 * events, so that reading an order needs no Kafka producer.
 */
import { findOrder, type Order } from '../dynamo/order-store';
import { NotFoundError } from '../http';

/** The buyer's own order; any other order is 404, as if it did not exist. */
export async function buyersOrder(memberId: string, orderId: string): Promise<Order> {
  const order = await findOrder(orderId);
  if (!order || order.memberId !== memberId) throw new NotFoundError(`No order ${orderId}`);
  return order;
}

/** What the buyer sees of an order: all of it but the costs and the buyer's demographics. */
export function orderView(order: Order) {
  const { buyer: _buyer, memberId: _memberId, ...rest } = order;
  return { ...rest, items: rest.items.map(({ unitCost: _cost, category: _category, ...item }) => item) };
}
