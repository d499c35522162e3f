/** PUT /orders/{orderId}/delivery: a seller of the order moves its delivery on. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { updateDelivery } from '../../shared/orders/lifecycle';
import { updateDeliveryRoute } from './routes';

export const handler = authenticatedHttpHandler(updateDeliveryRoute, async ({ caller, params, body }) => {
  const order = await updateDelivery(caller, params.orderId, body);
  return { orderId: order.orderId, status: order.status, version: order.version };
});
