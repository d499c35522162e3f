/** POST /orders/{orderId}/cancel: the buyer cancels before shipping. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { cancelOrder } from '../../shared/orders/lifecycle';
import { orderView } from '../../shared/orders/view';
import { cancelOrderRoute } from './routes';

export const handler = authenticatedHttpHandler(cancelOrderRoute, async ({ caller, params }) =>
  orderView(await cancelOrder(caller.memberId, params.orderId)),
);
