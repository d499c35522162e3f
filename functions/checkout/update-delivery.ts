/** PUT /orders/{orderId}/delivery: a seller of the order moves its delivery on. */
import { httpHandler } from '../../shared/http';
import { updateDelivery } from '../../shared/orders/lifecycle';
import { updateDeliveryRoute } from './routes';

export const handler = httpHandler(updateDeliveryRoute, async ({ caller, params, body }) => {
  const order = await updateDelivery(caller, params.orderId, body);
  return { orderId: order.orderId, status: order.status, version: order.version };
});
