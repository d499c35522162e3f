/**
 * The rules of search, independent of where the data comes from: how product groups rank for a
 * keyword, which offers each shows, and what a page of results is. The Redis path and the
 * DynamoDB fallback both produce exactly this ranking.
 */
import { byTotalPrice, compareIds, isListed, type Offer, type OfferSummary, summaryOf } from './catalog';
import { bestPromotion, maxUnitDiscount, type Promotion } from './promotion';

/** The promotions search prices with: those live now (active and not sold out). */
export type LivePromotions = readonly Pick<Promotion, 'promotionId' | 'scope' | 'discount'>[];

/** The course's page: 10 groups, each with its 10 cheapest offers. */
export const defaultGroupsPerPage = 10;
export const defaultOffersPerGroup = 10;
export const maxGroupsPerPage = 50;
export const maxOffersPerGroup = 50;

export interface GroupResult {
  groupId: string;
  lowestTotalPrice: number;
  /** Listed offers of the group (in stock, not removed). */
  offerCount: number;
  /** The group's cheapest offers, cheapest first. */
  offers: OfferSummary[];
}

export interface RankedGroup {
  groupId: string;
  lowestTotalPrice: number;
}

/** Cheapest group first; groups at the same price by id, as Redis orders equal scores. */
export function byLowestTotalPrice(a: RankedGroup, b: RankedGroup): number {
  return a.lowestTotalPrice - b.lowestTotalPrice || compareIds(a.groupId, b.groupId);
}

/** The offer at the best price the promotions give it (its list price when none applies). */
export function promotionalSummary(
  offer: OfferSummary,
  groupId: string,
  promotions: LivePromotions,
): OfferSummary {
  const listTotal = offer.price + offer.shippingFee;
  const best = promotions.length > 0 ? bestPromotion(promotions, { ...offer, groupId }) : undefined;
  const discount = best?.unitDiscount ?? 0;
  return { ...offer, discount, promotionId: best?.promotionId ?? null, totalPrice: listTotal - discount };
}

/**
 * The least a promotion can bring an offer whose list total (price + shipping) is at least
 * `listTotal` down to: whatever the offers beyond a point in list order are, none is cheaper.
 */
export function promotionalFloor(listTotal: number, promotions: LivePromotions): number {
  return promotions.length > 0 ? listTotal - maxUnitDiscount(promotions, listTotal) : listTotal;
}

/** The promotions that can change a group's prices: all but those scoped to other groups. */
export function promotionsFor(groupId: string, promotions: LivePromotions): LivePromotions {
  return promotions.filter(
    (promotion) => promotion.scope.kind !== 'group' || promotion.scope.groupId === groupId,
  );
}

/**
 * The cheapest `count` offers of a group under the promotions, from the offers read so far in list
 * order (`read`, cheapest list total first, of `listed` in all). `complete` is false while an
 * unread offer could still be among them: read more and ask again.
 */
export function promotionalPage(
  groupId: string,
  read: readonly OfferSummary[],
  listed: number,
  promotions: LivePromotions,
  count: number,
): { offers: OfferSummary[]; complete: boolean } {
  const relevant = promotionsFor(groupId, promotions);
  const offers = read
    .map((offer) => promotionalSummary(offer, groupId, relevant))
    .sort(byTotalPrice)
    .slice(0, count);
  if (read.length >= listed) return { offers, complete: true };
  // Without a promotion for this group, list order is the answer.
  if (relevant.length === 0) return { offers, complete: read.length >= count };
  const last = read[read.length - 1];
  const kth = offers[count - 1];
  const complete =
    last !== undefined &&
    kth !== undefined &&
    promotionalFloor(last.price + last.shippingFee, relevant) > kth.totalPrice;
  return { offers, complete };
}

/** A group's listed offers, cheapest first (under the promotions, when there are any). */
export function listedOffers(offers: readonly Offer[], promotions: LivePromotions = []): OfferSummary[] {
  return offers
    .filter(isListed)
    .map((offer) => promotionalSummary(summaryOf(offer), offer.groupId, promotions))
    .sort(byTotalPrice);
}

/**
 * A group as search shows it, from all its offers (listed or not), or undefined when none is
 * listed: a group with nothing to buy does not appear in search.
 */
export function groupResult(
  groupId: string,
  offers: readonly Offer[],
  offersPerGroup: number,
  promotions: LivePromotions = [],
): GroupResult | undefined {
  const listed = listedOffers(offers, promotions);
  const cheapest = listed[0];
  if (!cheapest) return undefined;
  return {
    groupId,
    lowestTotalPrice: cheapest.totalPrice,
    offerCount: listed.length,
    offers: listed.slice(0, offersPerGroup),
  };
}

/**
 * The keywords a group is found by: those of its listed offers. A sold-out or removed offer's
 * keywords no longer lead to the group unless another listed offer carries them too.
 */
export function keywordsOfGroup(offers: readonly Offer[]): Set<string> {
  return new Set(offers.filter(isListed).flatMap((offer) => offer.keywords));
}

/** Prefixes autocomplete indexes a keyword under, by characters (not UTF-16 units). */
export const maxSuggestPrefixLength = 12;

export function suggestPrefixes(keyword: string): string[] {
  const characters = Array.from(keyword);
  const prefixes: string[] = [];
  for (let length = 1; length <= Math.min(characters.length, maxSuggestPrefixLength); length++) {
    prefixes.push(characters.slice(0, length).join(''));
  }
  return prefixes;
}

/** Searches are counted per day of the marketplace's time zone. */
export const marketplaceTimeZone = 'Asia/Seoul';

/** The calendar day (YYYY-MM-DD) of an instant in the marketplace's time zone. */
export function marketplaceDay(instant: Date): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  if (lastDay.minute !== minute) lastDay = { minute, day: marketplaceDayFormat.format(instant) };
  return lastDay.day;
}

// The day changes on a minute (the zone's offset is whole minutes): the last one is kept.
let lastDay = { minute: Number.NaN, day: '' };

// en-CA formats dates as YYYY-MM-DD. Made once: building a formatter costs far more than using one,
// and sponsored slots ask for the day on every page.
const marketplaceDayFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: marketplaceTimeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Keywords searched by the same visitor within this window count as related. */
export const relatedWindowSeconds = 30 * 60;

/**
 * Pairs of related keywords when a visitor who recently searched `recent` (newest first) searches
 * `keyword`: each earlier, different keyword is related to it, in both directions.
 */
export function relatedPairs(keyword: string, recent: readonly string[]): Array<[string, string]> {
  const earlier = [...new Set(recent)].filter((other) => other !== keyword);
  return earlier.flatMap(
    (other): Array<[string, string]> => [
      [keyword, other],
      [other, keyword],
    ],
  );
}
