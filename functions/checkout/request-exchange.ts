/** POST /orders/{orderId}/exchanges: the buyer asks to exchange units of delivered lines. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { requestAfterDelivery } from '../../shared/orders/lifecycle';
import { orderView } from '../../shared/orders/view';
import { requestExchangeRoute } from './routes';

export const handler = authenticatedHttpHandler(requestExchangeRoute, async ({ caller, params, body }) =>
  orderView(await requestAfterDelivery(caller.memberId, params.orderId, 'exchange', body)),
);
