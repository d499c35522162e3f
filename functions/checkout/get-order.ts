/** GET /orders/{orderId}: one of the caller's orders (another member's is 404). */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { buyersOrder, orderView } from '../../shared/orders/view';
import { getOrderRoute } from './routes';

export const handler = authenticatedHttpHandler(getOrderRoute, async ({ caller, params }) =>
  orderView(await buyersOrder(caller.memberId, params.orderId)),
);
