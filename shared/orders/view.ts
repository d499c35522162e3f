/** What the buyer sees of an order: all of it but the costs and the buyer's demographics. */
import type { Order } from '../dynamo/order-store';

export function orderView(order: Order) {
  const { buyer: _buyer, memberId: _memberId, ...rest } = order;
  return { ...rest, items: rest.items.map(({ unitCost: _cost, category: _category, ...item }) => item) };
}
