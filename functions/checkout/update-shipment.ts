/** PUT /orders/{orderId}/shipments/{sellerId}: a seller moves its own shipment on. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { updateShipment } from '../../shared/orders/lifecycle';
import { updateShipmentRoute } from './routes';

export const handler = authenticatedHttpHandler(updateShipmentRoute, async ({ caller, params, body }) => {
  const { order, shipment } = await updateShipment(caller, params.orderId, params.sellerId, body);
  return { orderId: order.orderId, version: order.version, shipment };
});
