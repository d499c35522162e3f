/** GET /orders/{orderId}: one of the caller's orders (another member's is 404). */
import { httpHandler } from '../../shared/http';
import { buyersOrder } from '../../shared/orders/lifecycle';
import { orderView } from '../../shared/orders/view';
import { getOrderRoute } from './routes';

export const handler = httpHandler(getOrderRoute, async ({ caller, params }) =>
  orderView(await buyersOrder(caller.memberId, params.orderId)),
);
