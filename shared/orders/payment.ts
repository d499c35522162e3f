/**
 * Paying back, always awaited inside the request that decided it: a refund under its id (the
 * gateway pays each id once, so repeating the request repeats it safely), and the release of a
 * cancelled order's payment, whatever stage the payment had reached.
 */
import type { Order } from '../dynamo/order-store';
import { ApiError } from '../http';
import { logger } from '../logger';
import type { PaymentProvider } from '../payments/provider';

const refundPending = () =>
  new ApiError(
    503,
    'refund_pending',
    'The change is stored; the refund did not go through yet, repeat the request',
    undefined,
    { 'Retry-After': '1' },
  );

/** Pays back; the order already records it, so a failure here is retried by repeating the request. */
export async function refund(
  payments: PaymentProvider,
  order: Order,
  { refundId, amount }: { refundId: string; amount: number },
): Promise<void> {
  if (amount <= 0) return;
  try {
    await payments.refund(order.orderId, refundId, amount);
  } catch (error) {
    logger.error('refund failed', { orderId: order.orderId, refundId, error: error as Error });
    throw refundPending();
  }
}

/**
 * Ends the payment of a cancelled order: voided while it is only authorized (or still on its way),
 * so a capture that comes later fails, and refunded whole if it was captured. A cancel that races
 * the payment therefore never leaves the card charged.
 */
export async function releasePayment(payments: PaymentProvider, order: Order): Promise<void> {
  let state: Awaited<ReturnType<PaymentProvider['void']>>;
  try {
    state = await payments.void(order.orderId);
  } catch (error) {
    logger.error('void failed', { orderId: order.orderId, error: error as Error });
    throw refundPending();
  }
  if (state === 'captured')
    await refund(payments, order, { refundId: 'cancel', amount: order.amounts.total });
}
