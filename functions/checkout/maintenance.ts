/**
 * Scheduled, every minute: sends the outbox entries that could not be sent right after their
 * transaction (Kafka was down), and settles orders whose payment outcome was never recorded. So
 * no order event is lost and no order keeps stock it did not pay for.
 */
import { logger } from '../../shared/logger';
import { reconcilePayments } from '../../shared/orders/reconcile';
import { relayPending } from '../../shared/outbox/outbox';

export const handler = async (): Promise<{ sent: number; settled: number }> => {
  const settled = await reconcilePayments();
  const sent = await relayPending();
  if (sent > 0 || settled > 0) logger.info('checkout maintenance', { sent, settled });
  return { sent, settled };
};
