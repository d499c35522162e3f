/**
 * Scheduled: writes the standing DynamoDB holds into Redis again, for search and ads: the policy,
 * the manual suspensions, and every graded seller's grade over the window as it moves on (days
 * leave it, shipments become overdue). Repairs a Redis write an admin's change could not make.
 */
import { allSuspensions } from '../../shared/dynamo/standing-store';
import { logger } from '../../shared/logger';
import { gradedSellers, replaceManualSuspensions, storePolicy } from '../../shared/redis/seller-standing';
import { currentPolicy, refreshGrades } from '../../shared/sellers/standing';

export const handler = async (): Promise<{ sellers: number; suspended: number }> => {
  const [policy, suspended, graded] = await Promise.all([currentPolicy(), allSuspensions(), gradedSellers()]);
  await storePolicy(policy);
  await replaceManualSuspensions(suspended);
  await refreshGrades(graded);
  logger.info('seller standing refreshed', { sellers: graded.length, suspended: suspended.length });
  return { sellers: graded.length, suspended: suspended.length };
};
