/**
 * Lowest-price search: product groups for a keyword, cheapest first, and a group's offers. Answers
 * come from the Redis price cache; on a miss, or when Redis fails, from DynamoDB, which then warms
 * Redis again. Both paths rank with the same rules (shared/domain/search.ts), so an answer from
 * the fallback is slower, never different.
 */
import type { Offer } from '../domain/catalog';
import {
  byLowestTotalPrice,
  type GroupResult,
  groupResult,
  type LivePromotions,
  promotionsFor,
} from '../domain/search';
import { withoutSuspendedSellers } from '../domain/seller-standing';
import { groupsForKeyword, offersOfGroup } from '../dynamo/offer-store';
import { logger } from '../logger';
import { livePromotions } from '../promotions/live';
import {
  applyOffer,
  groupIsCached,
  groupsOffers,
  keywordGroups,
  rememberEmptyKeyword,
} from '../redis/price-cache';
import { promotionalKeywordPage, promotionalPages } from './promotional';
import { suspendedSellers } from './suspended-sellers';

/** Where an answer came from: the cache, or DynamoDB after a miss or a Redis failure. */
export type AnswerSource = 'cache' | 'database';

export interface KeywordSearch {
  keyword: string;
  offset: number;
  limit: number;
  offersPerGroup: number;
  /** The instant prices are asked for (promotions active then): now by default. */
  now?: Date;
}

export interface KeywordResults {
  groups: GroupResult[];
  totalGroups: number;
  source: AnswerSource;
}

/** DynamoDB reads in flight at once while answering without the cache. */
const fallbackConcurrency = 16;
/**
 * Bounds of one keyword's answer from DynamoDB: the memberships read to find its groups, and the
 * groups whose offers are read to rank them, beyond the page's own. A keyword with more groups
 * ranks the others by the cheapest offer carrying the keyword (the membership's total), which the
 * group's own lowest can only undercut through an offer without the keyword or a promotion.
 */
const fallbackMemberships = 10_000;
export const fallbackGroupReads = 100;

async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function cacheFailure(operation: string, error: unknown): void {
  logger.warn('price cache unavailable, answering from DynamoDB', {
    operation,
    error: error instanceof Error ? error.message : String(error),
  });
}

/**
 * Puts groups read from DynamoDB back into Redis: every offer of a group the cache lacks, and for
 * a cached group one offer, which re-scores the group under all its keywords. Failures only cost
 * the next search another fallback.
 */
async function warmGroups(offersByGroup: ReadonlyMap<string, readonly Offer[]>): Promise<void> {
  try {
    await mapConcurrently([...offersByGroup], fallbackConcurrency, async ([groupId, offers]) => {
      const toApply = (await groupIsCached(groupId)) ? offers.slice(0, 1) : offers;
      for (const offer of toApply) await applyOffer(offer);
    });
  } catch (error) {
    logger.warn('could not warm the price cache', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * The promotions prices are shown with. Without them (Redis and DynamoDB both failing) search still
 * answers, at list prices; checkout prices for itself.
 */
async function promotionsAt(now: Date | undefined): Promise<LivePromotions> {
  try {
    return await livePromotions(now ?? new Date());
  } catch (error) {
    logger.warn('promotions unavailable, showing list prices', {
      error: error instanceof Error ? error.message : String(error),
    });
    return [];
  }
}

async function keywordFromDatabase(
  search: KeywordSearch,
  promotions: LivePromotions,
  warm: boolean,
): Promise<KeywordResults> {
  const found = await groupsForKeyword(search.keyword, fallbackMemberships);
  const offersByGroup = new Map<string, Offer[]>();
  const readGroups = async (groupIds: readonly string[]) => {
    const unread = groupIds.filter((groupId) => !offersByGroup.has(groupId));
    const offers = await mapConcurrently(unread, fallbackConcurrency, offersOfGroup);
    unread.forEach((groupId, index) => {
      offersByGroup.set(groupId, offers[index] ?? []);
    });
  };
  const rankedNow = () =>
    found.groups
      .flatMap((group): (GroupResult | RankedGroupOnly)[] => {
        const offers = offersByGroup.get(group.groupId);
        if (!offers) return [{ ...group, unread: true }];
        const result = groupResult(group.groupId, offers, search.offersPerGroup, promotions);
        return result ? [result] : [];
      })
      .sort(byLowestTotalPrice);
  await readGroups(found.groups.slice(0, fallbackGroupReads).map((group) => group.groupId));
  let ranked = rankedNow();
  // The page's groups beyond the ranking reads are read too, and the page ranked again (a group
  // read may rank elsewhere than its membership said; a few rounds settle any page).
  const page = () => ranked.slice(search.offset, search.offset + search.limit);
  for (let round = 0; round < 3 && page().some(isUnread); round += 1) {
    await readGroups(page().map((group) => group.groupId));
    ranked = rankedNow();
  }
  const everything = found.complete && offersByGroup.size === found.groups.length;
  if (warm && everything) {
    if (ranked.length === 0) await rememberEmptyKeyword(search.keyword).catch(() => undefined);
    else await warmGroups(offersByGroup);
  }
  return {
    groups: page().filter((group): group is GroupResult => !isUnread(group)),
    totalGroups: ranked.length,
    source: 'database',
  };
}

/** A group of the keyword ranked by its membership's total, its offers not read. */
interface RankedGroupOnly {
  groupId: string;
  lowestTotalPrice: number;
  unread: true;
}
const isUnread = (group: GroupResult | RankedGroupOnly): group is RankedGroupOnly => 'unread' in group;

/**
 * Offers read beyond a page when sellers are suspended, so that a group whose cheapest offers are
 * theirs still shows others'.
 */
const suspensionSlack = 10;

/**
 * Groups for a keyword, cheapest lowest total first, each with its cheapest offers; suspended
 * sellers' offers left out (shared/domain/seller-standing.ts).
 */
export async function lowestPriceByKeyword(search: KeywordSearch): Promise<KeywordResults> {
  const suspended = await suspendedSellers();
  if (suspended.size === 0) return keywordResults(search);
  const results = await keywordResults({
    ...search,
    offersPerGroup: search.offersPerGroup + suspensionSlack,
  });
  const { groups, droppedGroups } = withoutSuspendedSellers(results.groups, suspended, search.offersPerGroup);
  return { ...results, groups, totalGroups: Math.max(groups.length, results.totalGroups - droppedGroups) };
}

async function keywordResults(search: KeywordSearch): Promise<KeywordResults> {
  const promotions = await promotionsAt(search.now);
  try {
    if (promotions.length > 0) {
      const page = await promotionalKeywordPage(
        search.keyword,
        search.offset,
        search.limit,
        search.offersPerGroup,
        promotions,
      );
      if (page) return { ...page, source: 'cache' };
      return keywordFromDatabase(search, promotions, true);
    }
    const page = await keywordGroups(search.keyword, search.offset, search.limit);
    if (page) {
      const offers = await groupsOffers(
        page.groups.map((group) => group.groupId),
        0,
        search.offersPerGroup,
      );
      const groups = page.groups.map((group, index) => ({
        groupId: group.groupId,
        lowestTotalPrice: group.lowestTotalPrice,
        offerCount: offers[index]?.offerCount ?? 0,
        offers: offers[index]?.offers ?? [],
      }));
      return { groups, totalGroups: page.totalGroups, source: 'cache' };
    }
  } catch (error) {
    cacheFailure('lowestPriceByKeyword', error);
    return keywordFromDatabase(search, promotions, false);
  }
  return keywordFromDatabase(search, promotions, true);
}

export interface GroupOffers {
  groupId: string;
  offerCount: number;
  offers: GroupResult['offers'];
  source: AnswerSource;
}

async function groupFromDatabase(
  groupId: string,
  offset: number,
  limit: number,
  promotions: LivePromotions,
  warm: boolean,
): Promise<GroupOffers | undefined> {
  const offers = await offersOfGroup(groupId);
  if (offers.length === 0) return undefined;
  if (warm) await warmGroups(new Map([[groupId, offers]]));
  const group = groupResult(groupId, offers, offset + limit, promotions);
  return {
    groupId,
    offerCount: group?.offerCount ?? 0,
    offers: group?.offers.slice(offset) ?? [],
    source: 'database',
  };
}

/**
 * Every listed offer of a group, cheapest first (a page of them), or undefined for a group the
 * catalog has never had; suspended sellers' offers left out.
 */
export async function offersOfGroupByPrice(
  groupId: string,
  offset: number,
  limit: number,
  now?: Date,
): Promise<GroupOffers | undefined> {
  const suspended = await suspendedSellers();
  if (suspended.size === 0) return groupOffers(groupId, offset, limit, now);
  const read = await groupOffers(groupId, 0, offset + limit + suspensionSlack, now);
  if (!read) return undefined;
  const offers = read.offers.filter((offer) => !suspended.has(offer.sellerId));
  return {
    ...read,
    offerCount: read.offerCount - (read.offers.length - offers.length),
    offers: offers.slice(offset, offset + limit),
  };
}

async function groupOffers(
  groupId: string,
  offset: number,
  limit: number,
  now?: Date,
): Promise<GroupOffers | undefined> {
  const promotions = promotionsFor(groupId, await promotionsAt(now));
  try {
    // Under promotions the page is found among the offers from the first one on.
    const [page] = await groupsOffers(
      [groupId],
      promotions.length > 0 ? 0 : offset,
      promotions.length > 0 ? offset + limit : limit,
    );
    if (page && page.offerCount > 0) {
      if (promotions.length === 0) return { groupId, ...page, source: 'cache' };
      const [offers = []] = await promotionalPages(
        [{ groupId, read: [...page.offers], listed: page.offerCount }],
        promotions,
        offset + limit,
      );
      return { groupId, offerCount: page.offerCount, offers: offers.slice(offset), source: 'cache' };
    }
    // Nothing listed: a group whose offers all sold out, or one the cache does not hold.
    if (await groupIsCached(groupId)) return { groupId, offerCount: 0, offers: [], source: 'cache' };
  } catch (error) {
    cacheFailure('offersOfGroupByPrice', error);
    return groupFromDatabase(groupId, offset, limit, promotions, false);
  }
  return groupFromDatabase(groupId, offset, limit, promotions, true);
}
