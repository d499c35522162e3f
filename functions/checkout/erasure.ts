/**
 * Scheduled, every hour: erases the shipping address of orders whose retention has passed, and of
 * a withdrawn buyer's finished orders (shared/domain/order-erasure.ts), a bounded amount per run.
 */
import { erasePersonalData } from '../../shared/dynamo/order-erasure';
import { logger } from '../../shared/logger';

export const handler = async (): Promise<{ erased: number }> => {
  const erased = await erasePersonalData();
  if (erased > 0) logger.info('order addresses erased', { erased });
  return { erased };
};
