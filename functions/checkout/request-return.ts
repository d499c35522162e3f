/** POST /orders/{orderId}/returns: the buyer asks to return a delivered order. */
import { httpHandler } from '../../shared/http';
import { requestAfterDelivery } from '../../shared/orders/lifecycle';
import { orderView } from '../../shared/orders/view';
import { requestReturnRoute } from './routes';

export const handler = httpHandler(requestReturnRoute, async ({ caller, params, body }) =>
  orderView(await requestAfterDelivery(caller.memberId, params.orderId, 'request_return', body.reason)),
);
