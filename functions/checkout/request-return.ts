/** POST /orders/{orderId}/returns: the buyer asks to return units of delivered lines. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { requestAfterDelivery } from '../../shared/orders/lifecycle';
import { orderView } from '../../shared/orders/view';
import { requestReturnRoute } from './routes';

export const handler = authenticatedHttpHandler(requestReturnRoute, async ({ caller, params, body }) =>
  orderView(await requestAfterDelivery(caller.memberId, params.orderId, 'return', body)),
);
