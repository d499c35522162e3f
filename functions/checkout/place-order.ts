/** POST /orders: places and pays an order; the Idempotency-Key header makes retries safe. */
import { ApiError, respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { checkout } from '../../shared/orders/checkout';
import { orderView } from '../../shared/orders/view';
import { placeOrderRoute } from './routes';

const keyFormat = /^[A-Za-z0-9_.:-]{8,100}$/;

export const handler = authenticatedHttpHandler(placeOrderRoute, async ({ caller, body }, event) => {
  const key = event.headers?.['idempotency-key'];
  if (!key)
    throw new ApiError(
      400,
      'idempotency_key_required',
      'Send an Idempotency-Key header (8-100 of A-Z a-z 0-9 _ . : -)',
    );
  if (!keyFormat.test(key))
    throw new ApiError(
      400,
      'invalid_idempotency_key',
      'The Idempotency-Key must be 8-100 of A-Z a-z 0-9 _ . : -',
    );
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
