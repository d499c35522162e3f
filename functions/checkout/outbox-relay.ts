/**
 * Scheduled: sends the outbox entries that could not be sent right after their transaction (Kafka
 * was down), so that no order event is lost.
 */
import { logger } from '../../shared/logger';
import { relayPending } from '../../shared/outbox/outbox';

export const handler = async (): Promise<{ sent: number }> => {
  const sent = await relayPending();
  if (sent > 0) logger.info('outbox relayed', { sent });
  return { sent };
};
