/** POST /orders/{orderId}/returns: the buyer asks to return a delivered order. */
import { httpHandler } from '../../shared/http';
import { requestReturn } from '../../shared/orders/lifecycle';
import { orderView } from '../../shared/orders/view';
import { requestReturnRoute } from './routes';

export const handler = httpHandler(requestReturnRoute, async ({ caller, params, body }) =>
  orderView(await requestReturn(caller.memberId, params.orderId, body.reason)),
);
