/** POST /orders: places and pays an order; the Idempotency-Key header makes retries safe. */
import { ApiError, respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { checkout } from '../../shared/orders/checkout';
import { orderView } from '../../shared/orders/view';
import { placeOrderRoute } from './routes';

export const handler = authenticatedHttpHandler(placeOrderRoute, async ({ caller, body, headers: given }) => {
  // The route's headers schema requires it, so validation answered 400 without it.
  const key = given['idempotency-key'] as string;
  const { order, replayed } = await checkout(caller.memberId, key, body);
  const headers = {
    Location: `/orders/${order.orderId}`,
    ...(replayed && { 'Idempotent-Replayed': 'true' }),
  };
  if (order.status === 'payment_failed') {
    throw new ApiError(
      402,
      'payment_declined',
      `The payment was declined (${order.payment.declineReason ?? 'declined'}); order ${order.orderId} is closed and its stock is back`,
      [{ path: 'body.payment', message: order.payment.declineReason ?? 'declined' }],
      headers,
    );
  }
  return respond(replayed ? 200 : 201, orderView(order), headers);
});
