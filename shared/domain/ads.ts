/**
 * Sponsored offers: what a seller's campaign is, when it may be shown, how the slots of a page are
 * chosen among the campaigns that may, what fills them when no ad can be chosen, and how a click is
 * named so that it is charged once. Pure: no storage, no clock of its own; `now` is always passed in.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { catalogId, compareIds, keywordSchema, normalizeKeyword, type OfferSummary } from './catalog';
import {
  defaultPromotionTimeZone,
  instantSchema,
  isActiveAt,
  promotionScheduleSchema,
  timeZoneSchema,
} from './promotion';
import { marketplaceDay } from './search';
import { text } from './text';

export const maxBidWon = 1_000_000;
export const maxDailyBudgetWon = 1_000_000_000;
export const maxCampaignOffers = 20;
export const maxCampaignKeywords = 20;
export const maxCampaignCategories = 10;

const unique = <T>(values: readonly T[]) => [...new Set(values)];

/** The fields of a campaign a seller sets. */
export const campaignFieldsSchema = z.strictObject({
  name: text(100),
  /** The seller's own offers it advertises, first the one shown first. */
  offerIds: z.array(catalogId).min(1).max(maxCampaignOffers).transform(unique),
  /** Search keywords it is shown for, folded as search folds them. */
  keywords: z.array(keywordSchema).max(maxCampaignKeywords).default([]).transform(unique),
  /** Categories whose product groups' offers pages show it among their related ads. */
  categories: z.array(text(100)).max(maxCampaignCategories).default([]).transform(unique),
  bidWon: z.int().min(1).max(maxBidWon).describe('Cost per click, won'),
  dailyBudgetWon: z
    .int()
    .min(1)
    .max(maxDailyBudgetWon)
    .describe('Most the clicks of one marketplace day (Asia/Seoul) may cost, won; at least bidWon'),
  /** When it runs, read as promotions read theirs (every day, all day, by default). */
  schedule: promotionScheduleSchema.default({ kind: 'daily', start: '00:00', end: '24:00' }),
  timeZone: timeZoneSchema.default(defaultPromotionTimeZone),
  validFrom: instantSchema.optional(),
  validUntil: instantSchema.optional(),
});

/** Compared as instants, not as strings: the two may be written with different offsets. */
export const validWindow = {
  check: ({ validFrom, validUntil }: { validFrom?: string; validUntil?: string }) =>
    !validFrom || !validUntil || Date.parse(validFrom) < Date.parse(validUntil),
  params: { message: 'validFrom must be before validUntil', path: ['validUntil'] },
};

/** What a seller sends to create a campaign. */
export const campaignInputSchema = campaignFieldsSchema.refine(validWindow.check, validWindow.params);
export type CampaignInput = z.output<typeof campaignFieldsSchema>;

/** Rules of a campaign that its schema cannot state: each broken one, by field. */
export function campaignRuleViolations(input: CampaignInput): { path: string; message: string }[] {
  const violations: { path: string; message: string }[] = [];
  if (input.keywords.length === 0 && input.categories.length === 0) {
    violations.push({ path: 'keywords', message: 'a campaign targets at least one keyword or category' });
  }
  if (input.dailyBudgetWon < input.bidWon) {
    violations.push({ path: 'dailyBudgetWon', message: 'the daily budget must cover one click (bidWon)' });
  }
  return violations;
}

/** A seller pauses and resumes its campaign; an admin suspends it (or all of a seller's). */
export type CampaignStatus = 'active' | 'paused';

/** An offer a campaign advertises, with the group it belongs to (where the price cache keeps it). */
export interface CampaignOffer {
  offerId: string;
  groupId: string;
}

export interface Campaign extends Omit<CampaignInput, 'offerIds'> {
  campaignId: string;
  sellerId: string;
  offers: CampaignOffer[];
  status: CampaignStatus;
  /** Set by an admin: never shown until reinstated, whatever its status. */
  suspended: boolean;
  /** Incremented by every change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The budget day of an instant: the marketplace's calendar day (Asia/Seoul), as search counts days. */
export const budgetDayOf = marketplaceDay;

/** What serving needs to know about a campaign's sellers and spend at one instant. */
export interface ServingState {
  /** Sellers whose campaigns an admin suspended. */
  suspendedSellers: ReadonlySet<string>;
  /** Won the campaign's clicks cost on the budget day; absent is nothing yet. */
  spentToday: ReadonlyMap<string, number>;
}

/** Why a campaign is not shown at `now`, or undefined when it may be. */
export function ineligibility(
  campaign: Campaign,
  state: ServingState,
  now: Date,
): 'paused' | 'suspended' | 'out_of_schedule' | 'out_of_budget' | undefined {
  if (campaign.status === 'paused') return 'paused';
  if (campaign.suspended || state.suspendedSellers.has(campaign.sellerId)) return 'suspended';
  if (!isActiveAt(campaign, now)) return 'out_of_schedule';
  const spent = state.spentToday.get(campaign.campaignId) ?? 0;
  // A click is charged its whole bid or not at all: a budget that cannot pay one more is spent.
  if (spent + campaign.bidWon > campaign.dailyBudgetWon) return 'out_of_budget';
  return undefined;
}

/** The words of a text as search folds them. */
const wordsOf = (value: string) => new Set(normalizeKeyword(value).split(' ').filter(Boolean));

/**
 * How well a campaign matches a search keyword (already folded): 1 when one of its keywords is the
 * keyword, 0.5 when one of its keywords shares a word with it, else 0 (not shown).
 */
export function keywordRelevance(campaign: Pick<Campaign, 'keywords'>, keyword: string): number {
  if (campaign.keywords.includes(keyword)) return 1;
  const searched = wordsOf(keyword);
  return campaign.keywords.some((target) => [...wordsOf(target)].some((word) => searched.has(word)))
    ? 0.5
    : 0;
}

/** What a product group's offers page tells about the group: its category and its name's words. */
export interface GroupContext {
  groupId: string;
  category: string;
  /** The group's name (the title of its cheapest offer). */
  name: string;
}

/**
 * How well a campaign matches a product group: 1 when it targets the group's category, 0.5 when
 * one of its keywords is a word of the group's name, else 0.
 */
export function groupRelevance(
  campaign: Pick<Campaign, 'keywords' | 'categories'>,
  group: GroupContext,
): number {
  if (campaign.categories.includes(group.category)) return 1;
  const words = wordsOf(group.name);
  return campaign.keywords.some((target) => words.has(target)) ? 0.5 : 0;
}

/**
 * The campaigns by what they target, built once per copy of the campaigns, so that a page's
 * relevance is a few look-ups rather than a pass over every campaign. Answers exactly what
 * keywordRelevance and groupRelevance answer, for the campaigns it finds (the others are 0).
 */
export class CampaignIndex {
  private readonly byKeyword = new Map<string, Campaign[]>();
  private readonly byWord = new Map<string, Campaign[]>();
  private readonly byCategory = new Map<string, Campaign[]>();

  constructor(readonly campaigns: readonly Campaign[]) {
    const add = (map: Map<string, Campaign[]>, key: string, campaign: Campaign) => {
      const list = map.get(key);
      if (!list) map.set(key, [campaign]);
      else if (list[list.length - 1] !== campaign) list.push(campaign);
    };
    for (const campaign of campaigns) {
      for (const keyword of campaign.keywords) {
        add(this.byKeyword, keyword, campaign);
        for (const word of wordsOf(keyword)) add(this.byWord, word, campaign);
      }
      for (const category of campaign.categories) add(this.byCategory, category, campaign);
    }
  }

  /** The campaigns relevant to a search keyword (folded), with their relevance. */
  forKeyword(keyword: string): Map<Campaign, number> {
    const found = new Map<Campaign, number>();
    for (const word of wordsOf(keyword))
      for (const campaign of this.byWord.get(word) ?? []) found.set(campaign, 0.5);
    for (const campaign of this.byKeyword.get(keyword) ?? []) found.set(campaign, 1);
    return found;
  }

  /** The campaigns relevant to a product group, with their relevance. */
  forGroup(group: GroupContext): Map<Campaign, number> {
    const found = new Map<Campaign, number>();
    for (const word of wordsOf(group.name))
      for (const campaign of this.byKeyword.get(word) ?? []) found.set(campaign, 0.5);
    for (const campaign of this.byCategory.get(group.category) ?? []) found.set(campaign, 1);
    return found;
  }
}

export interface RankedCampaign {
  campaign: Campaign;
  score: number;
}

/**
 * The campaigns that may be shown, best first by bid × relevance × quality (a factor in [0, 1]
 * per seller; 0, or a seller without one, is never shown); equal scores by campaign id, so every
 * container ranks alike. Relevance 0 is never shown.
 */
export function rankCampaigns(
  campaigns: readonly Campaign[],
  relevanceOf: (campaign: Campaign) => number,
  quality: ReadonlyMap<string, number>,
  state: ServingState,
  now: Date,
): RankedCampaign[] {
  return campaigns
    .flatMap((campaign) => {
      if (ineligibility(campaign, state, now) !== undefined) return [];
      const factor = Math.min(1, Math.max(0, quality.get(campaign.sellerId) ?? 0));
      const score = campaign.bidWon * relevanceOf(campaign) * factor;
      return score > 0 ? [{ campaign, score }] : [];
    })
    .sort((a, b) => b.score - a.score || compareIds(a.campaign.campaignId, b.campaign.campaignId));
}

/** A slot's offer: what search shows of it, and its product group. */
export interface SlotOffer extends OfferSummary {
  groupId: string;
}

export interface ChosenAd {
  campaign: Campaign;
  offer: SlotOffer;
}

/**
 * The ads of a page: the ranked campaigns in order, each with its first offer that is listed (in
 * `listed`) and not already in a slot, at most `slots` of them.
 */
export function chooseAds(
  ranked: readonly RankedCampaign[],
  listed: ReadonlyMap<string, SlotOffer>,
  slots: number,
): ChosenAd[] {
  const chosen: ChosenAd[] = [];
  const used = new Set<string>();
  for (const { campaign } of ranked) {
    if (chosen.length >= slots) break;
    const offer = campaign.offers
      .map((target) => listed.get(target.offerId))
      .find((o) => o && !used.has(o.offerId));
    if (!offer) continue;
    used.add(offer.offerId);
    chosen.push({ campaign, offer });
  }
  return chosen;
}

/**
 * What fills the slots no ad takes, from the page's own offers: those a live promotion discounts,
 * largest discount first, then the cheapest offer of each group in the page's order, then the
 * others, each offer once and none already in an ad slot; at most `count`. It earns no ad money.
 */
export function defaultContent(
  page: readonly { groupId: string; offers: readonly OfferSummary[] }[],
  count: number,
  exclude: ReadonlySet<string> = new Set(),
): SlotOffer[] {
  if (count <= 0) return [];
  const all = page.flatMap((group) =>
    group.offers.map((offer, rank) => ({ offer: { ...offer, groupId: group.groupId }, rank })),
  );
  const promoted = all
    .filter(({ offer }) => offer.discount > 0)
    .sort((a, b) => b.offer.discount - a.offer.discount || compareIds(a.offer.offerId, b.offer.offerId));
  const cheapest = all.filter(({ rank }) => rank === 0);
  const picked: SlotOffer[] = [];
  const seen = new Set(exclude);
  for (const { offer } of [...promoted, ...cheapest, ...all]) {
    if (picked.length >= count) break;
    if (seen.has(offer.offerId)) continue;
    seen.add(offer.offerId);
    picked.push(offer);
  }
  return picked;
}

/** Where a slot is shown. */
export type Placement = 'search' | 'group';

/** What a click token carries, signed: the slot as it was shown. */
export interface ClickClaims {
  /** Campaign, offer, seller and group of the slot. */
  c: string;
  o: string;
  s: string;
  g: string;
  /** The bid when shown, won. */
  b: number;
  p: Placement;
  /** Slot position on the page, from 0. */
  n: number;
  /** The search keyword (search placement). */
  k?: string;
  /** The visitor the page was shown to (member id, session id, or one made for the page). */
  v: string;
  /** Expiry, epoch seconds. */
  x: number;
}

export const clickClaimsSchema = z.strictObject({
  c: catalogId,
  o: catalogId,
  s: z.string().min(1).max(64),
  g: catalogId,
  b: z.int().min(1).max(maxBidWon),
  p: z.enum(['search', 'group']),
  n: z.int().min(0).max(99),
  k: z.string().min(1).max(50).optional(),
  v: z.string().min(1).max(100),
  x: z.int().min(0),
});

/** A click token's shape: base64url claims (a few hundred characters), a dot, a base64url HMAC-SHA256. */
export const clickTokenPattern = /^[A-Za-z0-9_-]{1,1900}\.[A-Za-z0-9_-]{43}$/;

/** How long a click token is valid, and the window within which a visitor's clicks on an ad count once. */
export const clickWindowSeconds = 30 * 60;

/**
 * The name of a visitor's click on an ad (campaign and offer) within one click window: the same
 * for every repeat or replay in that window, so it is charged once and its event has one id.
 */
export function clickIdOf(campaignId: string, offerId: string, visitor: string, now: Date): string {
  const window = Math.floor(now.getTime() / 1000 / clickWindowSeconds);
  return createHash('sha256')
    .update(`${campaignId}\n${offerId}\n${visitor}\n${window}`)
    .digest('base64url')
    .slice(0, 32);
}

/** Seconds from `now` to the end of its click window, at least 1. */
export function secondsLeftInWindow(now: Date): number {
  const seconds = now.getTime() / 1000;
  return Math.max(1, Math.ceil(clickWindowSeconds - (seconds % clickWindowSeconds)));
}
