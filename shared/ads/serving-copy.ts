/**
 * Serving's copy of the campaigns in Redis, brought in line with DynamoDB: every campaign and
 * seller suspension (only newer entries replace older), and the day's spend Redis lacks, seeded
 * from the durable copy, so a Redis that lost its data shows ads again and never re-opens a spent
 * budget. The ad events relay does it every minute, and a campaign change does it at once when it
 * finds the copy missing.
 */
import { budgetDayOf } from '../domain/ads';
import { listCampaigns, listSellerSuspensions, spendOfDay } from '../dynamo/campaign-store';
import { seedSpend } from '../redis/ad-billing';
import { loadServedCopy } from '../redis/ad-campaigns';

/** Loads the copy and the day's spend from DynamoDB into Redis; answers the campaigns loaded. */
export async function reloadServingCopy(now = new Date()): Promise<number> {
  const day = budgetDayOf(now);
  const [campaigns, suspensions, spent] = await Promise.all([
    listCampaigns(),
    listSellerSuspensions(),
    spendOfDay(day),
  ]);
  await seedSpend(day, spent);
  await loadServedCopy(campaigns, suspensions);
  return campaigns.length;
}
