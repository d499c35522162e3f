/**
 * Serving's copy of the campaigns (shared/ads/serving.ts reads it, shared/ads/campaigns.ts writes
 * it through after every change to DynamoDB):
 *
 *   ad-campaigns:{ads}   HASH    campaignId → the campaign as JSON
 *   ad-suspended:{ads}   HASH    sellerId → {suspended, changedAt} as JSON
 *   ad-loaded:{ads}      STRING  set once both were loaded in full from DynamoDB
 *
 * A write replaces an entry only with a newer one (a higher version, a later change), so two
 * writers that race leave the newer. Without `ad-loaded` (a Redis that lost its data) serving shows
 * default content until the ad events relay loads the copy again (shared/ads/serving.ts).
 */
import type { Campaign } from '../domain/ads';
import type { SellerSuspension } from '../dynamo/campaign-store';
import { connectedRedis, execOrThrow, type RedisClient } from './client';
import { adKeys } from './keys';

// Sets the field unless what is stored is as new: ARGV[2] (a number, or an ISO instant) compared
// with the stored entry's `version` (or `changedAt`).
const putNewerScript = `
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored then
  local previous = cjson.decode(stored)
  local mark = previous.version or previous.changedAt
  if ARGV[4] == 'number' then
    if tonumber(mark) >= tonumber(ARGV[2]) then return 0 end
  elseif mark >= ARGV[2] then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

interface CampaignCommands {
  putNewer(key: string, field: string, mark: string | number, json: string, kind: string): Promise<number>;
}
const defined = new WeakSet<RedisClient>();

async function redis(): Promise<RedisClient & CampaignCommands> {
  const client = await connectedRedis();
  if (!defined.has(client)) {
    client.defineCommand('putNewer', { numberOfKeys: 1, lua: putNewerScript });
    defined.add(client);
  }
  return client as RedisClient & CampaignCommands;
}

export async function putServedCampaign(campaign: Campaign): Promise<void> {
  await (await redis()).putNewer(
    adKeys.campaigns,
    campaign.campaignId,
    campaign.version,
    JSON.stringify(campaign),
    'number',
  );
}

export async function putServedSuspension(suspension: SellerSuspension): Promise<void> {
  await (await redis()).putNewer(
    adKeys.suspendedSellers,
    suspension.sellerId,
    suspension.changedAt,
    JSON.stringify(suspension),
    'instant',
  );
}

/** Loads the whole copy (after a Redis loss), then marks it loaded: one pipeline, one round trip. */
export async function loadServedCopy(
  campaigns: readonly Campaign[],
  suspensions: readonly SellerSuspension[],
): Promise<void> {
  const client = await redis();
  const batch = client.pipeline() as ReturnType<RedisClient['pipeline']> & {
    putNewer(key: string, field: string, mark: string | number, json: string, kind: string): unknown;
  };
  for (const campaign of campaigns) {
    batch.putNewer(
      adKeys.campaigns,
      campaign.campaignId,
      campaign.version,
      JSON.stringify(campaign),
      'number',
    );
  }
  for (const suspension of suspensions) {
    batch.putNewer(
      adKeys.suspendedSellers,
      suspension.sellerId,
      suspension.changedAt,
      JSON.stringify(suspension),
      'instant',
    );
  }
  batch.set(adKeys.loaded, new Date().toISOString());
  await execOrThrow(batch);
}

export async function isServedCopyLoaded(): Promise<boolean> {
  return (await (await redis()).exists(adKeys.loaded)) === 1;
}

export interface ServedCopy {
  campaigns: Campaign[];
  suspendedSellers: Set<string>;
}

/** The copy, in one round trip; undefined while it is not loaded. */
export async function servedCopy(): Promise<ServedCopy | undefined> {
  const client = await redis();
  const [loaded, campaigns, suspended] = (await execOrThrow(
    client.multi().exists(adKeys.loaded).hgetall(adKeys.campaigns).hgetall(adKeys.suspendedSellers),
  )) as [number, Record<string, string>, Record<string, string>];
  if (loaded !== 1) return undefined;
  const suspendedSellers = new Set<string>();
  for (const json of Object.values(suspended)) {
    const entry = JSON.parse(json) as SellerSuspension;
    if (entry.suspended) suspendedSellers.add(entry.sellerId);
  }
  return {
    campaigns: Object.values(campaigns).map((json) => JSON.parse(json) as Campaign),
    suspendedSellers,
  };
}
