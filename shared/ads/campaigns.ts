/**
 * Sellers create, change, pause and resume campaigns for their own offers; admins suspend and
 * reinstate a campaign, or all of a seller's. Each change is written to DynamoDB, then to serving's
 * copy in Redis at once (shared/redis/ad-campaigns.ts); containers see it within
 * `rememberedMs` of shared/ads/serving.ts. A copy Redis could not take is made right by the ad
 * events relay, which reloads it from DynamoDB every minute (./serving-copy.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  budgetDayOf,
  type Campaign,
  type CampaignInput,
  type CampaignOffer,
  type CampaignStatus,
  campaignRuleViolations,
  ineligibility,
} from '../domain/ads';
import {
  ConcurrentCampaignUpdateError,
  findCampaign,
  isSellerSuspended,
  listCampaigns,
  saveCampaign,
  saveSellerSuspension,
  spendOf,
} from '../dynamo/campaign-store';
import { findOffer } from '../dynamo/offer-store';
import { ConflictError, NotFoundError, RuleViolationError } from '../http';
import { logger } from '../logger';
import { spendToday } from '../redis/ad-billing';
import { isServedCopyLoaded, putServedCampaign, putServedSuspension } from '../redis/ad-campaigns';
import { reloadServingCopy } from './serving-copy';

export interface CampaignView extends Campaign {
  /** Whether an admin suspended all of the seller's campaigns. */
  sellerSuspended: boolean;
  spentTodayWon: number;
  /** Whether its ads may be shown now, and if not, why. */
  servingNow: boolean;
  notServingBecause: 'paused' | 'suspended' | 'out_of_schedule' | 'out_of_budget' | null;
}

async function spentToday(campaignIds: readonly string[], now: Date): Promise<Map<string, number>> {
  const day = budgetDayOf(now);
  try {
    return await spendToday(day, campaignIds);
  } catch {
    // Redis away: the durable copy, at most the clicks of the last moment behind.
    return new Map(await Promise.all(campaignIds.map(async (id) => [id, await spendOf(day, id)] as const)));
  }
}

async function viewsOf(campaigns: readonly Campaign[], now: Date): Promise<CampaignView[]> {
  const spent = await spentToday(
    campaigns.map((campaign) => campaign.campaignId),
    now,
  );
  const suspendedSellers = new Set<string>();
  for (const sellerId of new Set(campaigns.map((campaign) => campaign.sellerId))) {
    if (await isSellerSuspended(sellerId)) suspendedSellers.add(sellerId);
  }
  return campaigns.map((campaign) => {
    const why = ineligibility(campaign, { suspendedSellers, spentToday: spent }, now);
    return {
      ...campaign,
      sellerSuspended: suspendedSellers.has(campaign.sellerId),
      spentTodayWon: spent.get(campaign.campaignId) ?? 0,
      servingNow: why === undefined,
      notServingBecause: why ?? null,
    };
  });
}

async function viewOf(campaign: Campaign, now: Date): Promise<CampaignView> {
  const [view] = await viewsOf([campaign], now);
  if (!view) throw new Error('no view of the campaign');
  return view;
}

/**
 * The offers of the input, each the seller's own and not removed; one that is not is refused as
 * one that does not exist (422), so a seller learns nothing of another's offers.
 */
async function ownOffers(sellerId: string, input: CampaignInput): Promise<CampaignOffer[]> {
  const found = await Promise.all(input.offerIds.map((offerId) => findOffer(offerId)));
  const refused = input.offerIds.flatMap((offerId, index) => {
    const offer = found[index];
    return offer && !offer.removed && offer.sellerId === sellerId
      ? []
      : [{ path: `offerIds.${index}`, message: `no offer ${offerId} of yours` }];
  });
  const violations = [...campaignRuleViolations(input), ...refused];
  if (violations.length > 0) throw new RuleViolationError(violations);
  return found.flatMap((offer) => (offer ? [{ offerId: offer.offerId, groupId: offer.groupId }] : []));
}

/** Writes the change to serving's copy, and the whole copy when Redis has none (after a loss). */
async function publish(write: () => Promise<void>): Promise<void> {
  try {
    await write();
    if (!(await isServedCopyLoaded())) await reloadServingCopy();
  } catch (error) {
    logger.warn('change not written to the serving copy; the relay reloads it', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

async function save(next: Campaign, previous: Campaign | undefined): Promise<void> {
  try {
    await saveCampaign(next, previous);
  } catch (error) {
    if (error instanceof ConcurrentCampaignUpdateError) {
      throw new ConflictError(
        'campaign_changed_concurrently',
        'The campaign was changed by another request; read it again',
      );
    }
    throw error;
  }
  await publish(() => putServedCampaign(next));
}

/** The seller's own campaign; another seller's answers as one that does not exist. */
async function ownCampaign(sellerId: string, campaignId: string): Promise<Campaign> {
  const found = await findCampaign(campaignId);
  if (!found || found.sellerId !== sellerId) throw new NotFoundError(`No campaign ${campaignId}`);
  return found;
}

export async function createCampaign(
  sellerId: string,
  input: CampaignInput,
  now = new Date(),
): Promise<CampaignView> {
  const { offerIds: _offerIds, ...fields } = input;
  const campaign: Campaign = {
    ...fields,
    campaignId: randomUUID(),
    sellerId,
    offers: await ownOffers(sellerId, input),
    status: 'active',
    suspended: false,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await save(campaign, undefined);
  return viewOf(campaign, now);
}

export async function replaceCampaign(
  sellerId: string,
  campaignId: string,
  input: CampaignInput,
  expectedVersion: number,
  now = new Date(),
): Promise<CampaignView> {
  const previous = await ownCampaign(sellerId, campaignId);
  if (previous.version !== expectedVersion) {
    throw new ConflictError(
      'campaign_version_mismatch',
      `The campaign is at version ${previous.version}, not ${expectedVersion}: read it again`,
    );
  }
  const { offerIds: _offerIds, ...fields } = input;
  const next: Campaign = {
    ...fields,
    campaignId,
    sellerId,
    offers: await ownOffers(sellerId, input),
    status: previous.status,
    suspended: previous.suspended,
    version: previous.version + 1,
    createdAt: previous.createdAt,
    updatedAt: now.toISOString(),
  };
  await save(next, previous);
  return viewOf(next, now);
}

async function change(previous: Campaign, changes: Partial<Campaign>, now: Date): Promise<CampaignView> {
  const next: Campaign = {
    ...previous,
    ...changes,
    version: previous.version + 1,
    updatedAt: now.toISOString(),
  };
  await save(next, previous);
  return viewOf(next, now);
}

/** Pauses or resumes the seller's campaign (a campaign already in that status is left as it is). */
export async function setCampaignStatus(
  sellerId: string,
  campaignId: string,
  status: CampaignStatus,
  now = new Date(),
): Promise<CampaignView> {
  const previous = await ownCampaign(sellerId, campaignId);
  if (previous.status === status) return viewOf(previous, now);
  return change(previous, { status }, now);
}

export async function sellerCampaign(
  sellerId: string,
  campaignId: string,
  now = new Date(),
): Promise<CampaignView> {
  return viewOf(await ownCampaign(sellerId, campaignId), now);
}

export async function sellerCampaigns(sellerId: string, now = new Date()): Promise<CampaignView[]> {
  return viewsOf(await listCampaigns(sellerId), now);
}

/** An admin suspends or reinstates one campaign. */
export async function setCampaignSuspended(
  campaignId: string,
  suspended: boolean,
  now = new Date(),
): Promise<CampaignView> {
  const previous = await findCampaign(campaignId);
  if (!previous) throw new NotFoundError(`No campaign ${campaignId}`);
  if (previous.suspended === suspended) return viewOf(previous, now);
  return change(previous, { suspended }, now);
}

/** An admin suspends or reinstates every campaign of a seller, those it creates later included. */
export async function setSellerSuspended(
  sellerId: string,
  suspended: boolean,
  now = new Date(),
): Promise<{ sellerId: string; suspended: boolean; campaigns: number }> {
  const suspension = { sellerId, suspended, changedAt: now.toISOString() };
  await saveSellerSuspension(suspension);
  await publish(() => putServedSuspension(suspension));
  return { sellerId, suspended, campaigns: (await listCampaigns(sellerId)).length };
}
