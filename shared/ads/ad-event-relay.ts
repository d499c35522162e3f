/**
 * What the ad events relay function does each minute: brings serving's copy of the campaigns in
 * Redis in line with DynamoDB (all of it after a Redis loss; only newer entries replace older), and
 * seeds the day's spend Redis lacks from the durable copy, so a Redis that lost its data shows ads
 * again within a minute and never re-opens a spent budget; then relays the ad event stream to the
 * ad topic (shared/relay/event-stream-relay.ts).
 */
import { budgetDayOf } from '../domain/ads';
import { listCampaigns, listSellerSuspensions, spendOfDay } from '../dynamo/campaign-store';
import { adEventStream, seedSpend } from '../redis/ad-billing';
import { loadServedCopy } from '../redis/ad-campaigns';
import {
  type RelayOptions,
  type RelayResult,
  relayEventStream,
  type StreamSource,
} from '../relay/event-stream-relay';

const adEvents: StreamSource = { name: 'ad events', stream: adEventStream, topicKey: 'adEvents' };

/** Loads serving's copy and the day's spend from DynamoDB into Redis; answers the campaigns loaded. */
export async function reloadServingCopy(now = new Date()): Promise<number> {
  const [campaigns, suspensions, spent] = await Promise.all([
    listCampaigns(),
    listSellerSuspensions(),
    spendOfDay(budgetDayOf(now)),
  ]);
  await seedSpend(budgetDayOf(now), spent);
  await loadServedCopy(campaigns, suspensions);
  return campaigns.length;
}

export const relayAdEvents = (options: RelayOptions): Promise<RelayResult> =>
  relayEventStream(adEvents, options);
