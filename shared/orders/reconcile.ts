/**
 * Orders whose payment outcome was never recorded (the function ended between taking the stock
 * and settling the payment) are settled later: the payment is looked up at the gateway, voided if
 * it never arrived, and the order paid or failed with its stock given back. No order stays
 * "placed" holding stock.
 */
import {
  clearPaymentMarker,
  findOrder,
  OrderStatusConflictError,
  ordersAwaitingPayment,
} from '../dynamo/order-store';
import { logger } from '../logger';
import { payments as configuredPayments } from '../payments/configured';
import type { PaymentProvider } from '../payments/provider';
import { lookUpPayment, settle } from './checkout';

/** Orders placed this long ago are past any request still working on them. */
export const settleAfterMs = 2 * 60_000;

export async function reconcilePayments(
  payments: PaymentProvider = configuredPayments,
  now = new Date(),
): Promise<number> {
  const orderIds = await ordersAwaitingPayment(new Date(now.getTime() - settleAfterMs));
  let settled = 0;
  for (const orderId of orderIds) {
    const order = await findOrder(orderId);
    if (!order) continue;
    if (order.status !== 'placed') {
      await clearPaymentMarker(order);
      continue;
    }
    try {
      const outcome = await lookUpPayment(payments, order);
      const result = await settle(payments, order, outcome, now);
      logger.info('payment reconciled', { orderId, status: result.status });
      settled += 1;
    } catch (error) {
      if (!(error instanceof OrderStatusConflictError)) throw error;
    }
  }
  return settled;
}
