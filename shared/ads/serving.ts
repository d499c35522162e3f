/**
 * The sponsored slots of a page (a search, or a product group's offers page). Choosing ads is kept
 * off the page's critical path: the whole choice (serving's copy of the campaigns, the day's spend,
 * the advertised offers, and the impressions recorded) runs under one breaker with a short timeout
 * (`adTimeoutMs`); when it fails, is slower, the breaker is open, Redis has no copy of the campaigns
 * or the container is under pressure, the slots are filled with default content (shared/domain/ads.ts
 * `defaultContent`: offers of the page itself, marked `kind: 'default'`, no click URL, no charge).
 *
 * An ad is shown only once its impression is stored in the ad event stream (one transaction, before
 * the answer); the ad events relay sends the stream to the ad topic. A choice the breaker's timeout
 * cut short starts no further step (optional()'s signal); only the command in flight then ends,
 * within Redis's own command bound.
 *
 * Each container remembers the campaigns, the advertised offers and their sellers' standing it read,
 * for `rememberedMs`: a pause, a suspension or a change is seen by every search within that time of
 * its write, and so are an advertised offer sold out or removed and a seller's new grade or
 * suspension; the day's spend is read afresh for every page.
 */
import { randomUUID } from 'node:crypto';
import { optionalEnv } from '../config/env';
import { dependencyBreaker } from '../dependency-breaker';
import {
  budgetDayOf,
  type Campaign,
  CampaignIndex,
  type ChosenAd,
  chooseAds,
  defaultContent,
  type GroupContext,
  ineligibility,
  type Placement,
  rankCampaigns,
  type SlotOffer,
} from '../domain/ads';
import type { OfferSummary } from '../domain/catalog';
import { LastGoodAnswers, optional } from '../domain/circuit-breaker';
import { type AdImpressedData, adEventTypes } from '../events';
import { domainEvent } from '../events/envelope';
import { underPressure } from '../http/middleware/pressure';
import { logger } from '../logger';
import { showAds } from '../redis/ad-billing';
import { type ServedCopy, servedCopy } from '../redis/ad-campaigns';
import { listedOffers } from '../redis/ad-offers';
import { standingFactorsOf } from '../redis/seller-standing';
import { clickToken } from './click-token';

/** The longest choosing ads may add to a page. */
export const adTimeoutMs = 50;
export const rememberedMs = 5_000;
/** Campaigns whose offers are read for one page, per slot: enough for some to be sold out. */
const campaignsReadPerSlot = 3;
/** Offers of one campaign read for a page. */
const offersReadPerCampaign = 3;

const adsBreaker = dependencyBreaker('sponsored slots', { timeoutMs: adTimeoutMs });

/** Slots per page: SPONSORED_SLOTS (0 to 10), 2 by default. */
export function sponsoredSlotCount(): number {
  const configured = Number(optionalEnv('SPONSORED_SLOTS') ?? 2);
  return Number.isInteger(configured) ? Math.min(10, Math.max(0, configured)) : 2;
}

export interface Slot extends SlotOffer {
  kind: 'sponsored' | 'default';
  /** true for a paid ad. */
  sponsored: boolean;
  campaignId: string | null;
  /** `/ads/click/{token}` for a paid ad; null for default content (link to `url` directly). */
  clickUrl: string | null;
}

export interface SlotRequest {
  placement: Placement;
  /** The search keyword, folded (search placement). */
  keyword?: string;
  /** The product group of the page (group placement). */
  group?: GroupContext;
  /** The page's own offers by group, what default content is taken from. */
  page: readonly { groupId: string; offers: readonly OfferSummary[] }[];
  memberId?: string;
  sessionId?: string;
  now?: Date;
}

/** What choosing the ads needs of a page: all but its results. */
export type AdRequest = Omit<SlotRequest, 'page'>;

interface Remembered {
  copy: ServedCopy;
  index: CampaignIndex;
  until: number;
}
let remembered: Remembered | undefined;

async function campaignCopy(): Promise<Remembered> {
  const now = Date.now();
  if (remembered && remembered.until > now) return remembered;
  const copy = await servedCopy();
  if (!copy) throw new Error('no copy of the campaigns in Redis yet');
  remembered = { copy, index: new CampaignIndex(copy.campaigns), until: now + rememberedMs };
  return remembered;
}

/** The campaigns serving would use now (the click endpoint reads its campaign from the same copy). */
export async function servedCampaign(
  campaignId: string,
): Promise<{ campaign: Campaign; copy: ServedCopy } | undefined> {
  const { copy } = await campaignCopy();
  const campaign = copy.campaigns.find((found) => found.campaignId === campaignId);
  return campaign && { campaign, copy };
}

/** Drops this container's copy of the campaigns, their offers and their sellers' standing (tests). */
export function forgetServedCampaigns(): void {
  remembered = undefined;
  rememberedOffers.clear();
  rememberedQuality.clear();
}

/** The campaigns relevant to the page, with their relevance. */
function relevantTo(request: AdRequest, index: CampaignIndex): Map<Campaign, number> {
  const { keyword, group } = request;
  if (request.placement === 'search' && keyword !== undefined) return index.forKeyword(keyword);
  if (group) return index.forGroup(group);
  return new Map();
}

/**
 * Values this container read per id, each remembered for `rememberedMs` (at most 10,000 ids, the
 * least recently read forgotten first); an id the read did not return is remembered as absent.
 */
class RememberedReads<Value> {
  private readonly known = new LastGoodAnswers<{ value: Value | undefined; until: number }>(10_000);

  async among(
    ids: readonly string[],
    now: number,
    read: (unknown: string[]) => Promise<ReadonlyMap<string, Value>>,
  ): Promise<Map<string, Value>> {
    const found = new Map<string, Value>();
    const unknown: string[] = [];
    for (const id of new Set(ids)) {
      const known = this.known.get(id);
      if (!known || known.until <= now) unknown.push(id);
      else if (known.value !== undefined) found.set(id, known.value);
    }
    if (unknown.length === 0) return found;
    const values = await read(unknown);
    for (const id of unknown) {
      const value = values.get(id);
      this.known.remember(id, { value, until: now + rememberedMs });
      if (value !== undefined) found.set(id, value);
    }
    return found;
  }

  clear(): void {
    this.known.clear();
  }
}

/** Advertised offers still listed (a sold-out or removed offer leaves the slots within `rememberedMs`). */
const rememberedOffers = new RememberedReads<SlotOffer>();
/** Sellers' ad quality factors (a suspension or a new grade reaches the ranking within `rememberedMs`). */
const rememberedQuality = new RememberedReads<number>();

async function chooseAndRecord(
  request: AdRequest,
  slots: number,
  now: Date,
  answered: AbortSignal,
): Promise<Slot[]> {
  const { copy, index } = await campaignCopy();
  answered.throwIfAborted();
  const relevant = relevantTo(request, index);
  const relevance = (campaign: Campaign) => relevant.get(campaign) ?? 0;
  // Everything but the budget here; the day's spend is checked by the script that shows them.
  const noSpend = { suspendedSellers: copy.suspendedSellers, spentToday: new Map<string, number>() };
  const candidates = [...relevant.keys()].filter(
    (campaign) => ineligibility(campaign, noSpend, now) === undefined,
  );
  if (candidates.length === 0) return [];
  // Seller standing's quality factor: a lower grade weighs the bid down, a suspended seller's is 0.
  const quality = await rememberedQuality.among(
    candidates.map((campaign) => campaign.sellerId),
    now.getTime(),
    standingFactorsOf,
  );
  answered.throwIfAborted();
  const top = rankCampaigns(candidates, relevance, quality, noSpend, now).slice(
    0,
    slots * campaignsReadPerSlot,
  );
  if (top.length === 0) return [];
  const wanted = new Map(
    top.flatMap(({ campaign }) =>
      campaign.offers.slice(0, offersReadPerCampaign).map((offer) => [offer.offerId, offer] as const),
    ),
  );
  const listed = await rememberedOffers.among([...wanted.keys()], now.getTime(), (offerIds) =>
    listedOffers(offerIds.flatMap((offerId) => wanted.get(offerId) ?? [])),
  );
  // Each candidate with its offer, all distinct; the script takes the first that can still pay.
  const offered = chooseAds(top, listed, top.length);
  if (offered.length === 0) return [];
  // The page answered without its ads meanwhile: no impression is stored for slots never shown.
  answered.throwIfAborted();
  const visitor = request.memberId ?? request.sessionId ?? randomUUID();
  const shown = await showAds(
    budgetDayOf(now),
    offered.map((ad) => ({
      campaignId: ad.campaign.campaignId,
      bidWon: ad.campaign.bidWon,
      dailyBudgetWon: ad.campaign.dailyBudgetWon,
      impressionJson: JSON.stringify(impressionOf(ad, request, now)),
    })),
    slots,
  );
  return shown.flatMap((position, slot) => {
    const ad = offered[position];
    return ad ? [shownSlot(ad, slot, request, visitor, now)] : [];
  });
}

/**
 * The impression of an ad, at slot 0 (the script writes its slot in). Typed, and checked against
 * its schema once, on the way out: the relay drops (and logs) an entry that is not a valid event.
 * A page builds one for each candidate it may show, so none is checked here.
 */
function impressionOf(ad: ChosenAd, request: AdRequest, now: Date) {
  const { campaign, offer } = ad;
  const data: AdImpressedData = {
    campaignId: campaign.campaignId,
    sellerId: campaign.sellerId,
    offerId: offer.offerId,
    placement: request.placement,
    slot: 0,
    ...(request.keyword !== undefined && { keyword: request.keyword }),
    ...(request.group && { groupId: request.group.groupId }),
  };
  return domainEvent({ type: adEventTypes.impressed, source: 'ads', key: campaign.campaignId, data }, now);
}

function shownSlot(ad: ChosenAd, slot: number, request: AdRequest, visitor: string, now: Date): Slot {
  const { campaign, offer } = ad;
  const token = clickToken(
    {
      c: campaign.campaignId,
      o: offer.offerId,
      s: campaign.sellerId,
      g: offer.groupId,
      b: campaign.bidWon,
      p: request.placement,
      n: slot,
      ...(request.keyword !== undefined && { k: request.keyword }),
      v: visitor,
    },
    now,
  );
  return {
    ...offer,
    kind: 'sponsored',
    sponsored: true,
    campaignId: campaign.campaignId,
    clickUrl: `/ads/click/${token}`,
  };
}

let notChosen = 0;

/**
 * The page's ads, chosen within `adTimeoutMs` of being asked; none when ads are unavailable, slow,
 * off or the container is under pressure. Never rejects, so a search can start it beside its own
 * reads (it needs nothing of the results) and await it after them.
 */
export async function chooseSponsored(request: AdRequest): Promise<Slot[]> {
  const slots = sponsoredSlotCount();
  if (slots === 0 || underPressure()) return [];
  const now = request.now ?? new Date();
  let failure: unknown;
  return optional(
    adsBreaker,
    async (answered) => {
      try {
        return await chooseAndRecord(request, slots, now, answered);
      } catch (error) {
        failure = error;
        throw error;
      }
    },
    () => {
      notChosen += 1;
      logger.warn('sponsored slots filled with default content', {
        notChosenInThisContainer: notChosen,
        reason: failure instanceof Error ? failure.message : 'ads unavailable or too slow',
      });
      return [];
    },
  );
}

/**
 * The page's slots: its ads, then default content for the slots no ad took (never fewer slots than
 * the page has offers to fill them with).
 */
export function withDefaultContent(ads: readonly Slot[], page: SlotRequest['page']): Slot[] {
  const fill = defaultContent(
    page,
    sponsoredSlotCount() - ads.length,
    new Set(ads.map((ad) => ad.offerId)),
  ).map((offer): Slot => ({ ...offer, kind: 'default', sponsored: false, campaignId: null, clickUrl: null }));
  return [...ads, ...fill];
}

/** The slots of a page whose results are already known (a group's offers page, tests). */
export async function sponsoredSlots(request: SlotRequest): Promise<Slot[]> {
  return withDefaultContent(await chooseSponsored(request), request.page);
}
