/** POST /orders/{orderId}/returns/{returnId}/complete: the line's seller completes a return or exchange. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { completeReturn } from '../../shared/orders/lifecycle';
import { completeReturnRoute } from './routes';

export const handler = authenticatedHttpHandler(completeReturnRoute, async ({ caller, params }) => {
  const { order, request } = await completeReturn(caller, params.orderId, params.returnId);
  return { orderId: order.orderId, version: order.version, return: request };
});
