/**
 * Orders whose payment was never finished (the function ended between taking the stock and
 * capturing the payment) are settled later from their payment-pending marker: a placed order's
 * payment is looked up at the gateway, voided if it never arrived, and the order paid (and
 * captured) or failed with its stock given back; a paid order's payment is captured; a cancelled
 * order's payment is voided (refunded if it was captured). No order stays "placed" holding stock,
 * none paid but never charged, and no cancelled order stays charged.
 */
import { paymentStageOf } from '../domain/order';
import {
  clearPaymentMarker,
  findOrder,
  OrderStatusConflictError,
  ordersAwaitingPayment,
} from '../dynamo/order-store';
import { logger } from '../logger';
import { payments as configuredPayments } from '../payments/configured';
import type { PaymentProvider } from '../payments/provider';
import { capture, lookUpPayment, settle } from './checkout';
import { releasePayment } from './payment';

/** Orders placed this long ago are past any request still working on them. */
export const settleAfterMs = 2 * 60_000;

export async function reconcilePayments(
  payments: PaymentProvider = configuredPayments,
  now = new Date(),
): Promise<number> {
  const orderIds = await ordersAwaitingPayment(new Date(now.getTime() - settleAfterMs));
  let settled = 0;
  for (const orderId of orderIds) {
    try {
      if (await reconcileOrder(payments, orderId, now)) settled += 1;
    } catch (error) {
      // One order the gateway cannot settle keeps its marker for the next run; the others go on.
      logger.error('payment not reconciled', { orderId, error: error as Error });
    }
  }
  return settled;
}

/** Settles one order's payment from its marker; false when there was nothing (left) to settle. */
async function reconcileOrder(payments: PaymentProvider, orderId: string, now: Date): Promise<boolean> {
  const order = await findOrder(orderId);
  if (!order) return false;
  const stage = paymentStageOf(order.status);
  if (stage !== 'placed') {
    if (stage === 'paid') await capture(payments, order);
    else {
      if (stage === 'cancelled') await releasePayment(payments, order);
      await clearPaymentMarker(order);
    }
    logger.info('payment reconciled', { orderId, status: order.status });
    return true;
  }
  try {
    const outcome = await lookUpPayment(payments, order);
    const result = await settle(payments, order, outcome, now);
    logger.info('payment reconciled', { orderId, status: result.status });
    return true;
  } catch (error) {
    if (error instanceof OrderStatusConflictError) return false;
    throw error;
  }
}
