/** POST /orders/{orderId}/cancel: the buyer cancels before shipping. */
import { httpHandler } from '../../shared/http';
import { cancelOrder } from '../../shared/orders/lifecycle';
import { orderView } from '../../shared/orders/view';
import { cancelOrderRoute } from './routes';

export const handler = httpHandler(cancelOrderRoute, async ({ caller, params }) =>
  orderView(await cancelOrder(caller.memberId, params.orderId)),
);
