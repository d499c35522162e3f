/**
 * Search while promotions are live: groups ranked by their cheapest promotional total, each with
 * its cheapest offers after promotions. The cache keeps offers in list-price order, so the answer
 * is found by reading in that order until no unread offer or group can still beat what was found:
 * an offer listed at t costs at least t minus the largest discount any live promotion could give
 * (shared/domain/search.ts `promotionalFloor`). With no promotions live, nothing here runs.
 */
import type { OfferSummary } from '../domain/catalog';
import {
  byLowestTotalPrice,
  type GroupResult,
  type LivePromotions,
  promotionalFloor,
  promotionalPage,
} from '../domain/search';
import { groupsOffers, keywordGroups, topOffers } from '../redis/price-cache';

/** Offers read per group and round when the first page of a group is not enough. */
const morePerRead = 50;
/** The most groups one search reads; a keyword's groups beyond it rank by list price. */
export const maxScannedGroups = 1_000;

interface GroupRead {
  groupId: string;
  read: OfferSummary[];
  listed: number;
}

/** Each group's cheapest `count` offers under the promotions, reading more from Redis as needed. */
export async function promotionalPages(
  groups: GroupRead[],
  promotions: LivePromotions,
  count: number,
): Promise<OfferSummary[][]> {
  for (;;) {
    const pages = groups.map((group) =>
      promotionalPage(group.groupId, group.read, group.listed, promotions, count),
    );
    const unfinished = groups.filter((_, index) => !pages[index]?.complete);
    if (unfinished.length === 0) return pages.map((page) => page.offers);
    // Groups read as far are read further in one round trip.
    const byOffset = new Map<number, GroupRead[]>();
    for (const group of unfinished)
      byOffset.set(group.read.length, [...(byOffset.get(group.read.length) ?? []), group]);
    await Promise.all(
      [...byOffset].map(async ([offset, sameOffset]) => {
        const more = await groupsOffers(
          sameOffset.map((group) => group.groupId),
          offset,
          Math.max(morePerRead, count),
        );
        sameOffset.forEach((group, index) => {
          const page = more[index];
          // A group that shrank meanwhile ends where it ends now.
          if (!page || page.offers.length === 0) group.listed = group.read.length;
          else group.read.push(...page.offers);
        });
      }),
    );
  }
}

/** Groups for a keyword by promotional price, or undefined when the cache does not know it. */
export async function promotionalKeywordPage(
  keyword: string,
  offset: number,
  limit: number,
  offersPerGroup: number,
  promotions: LivePromotions,
): Promise<{ groups: GroupResult[]; totalGroups: number } | undefined> {
  const wanted = offset + limit;
  const chunk = Math.min(100, Math.max(wanted, 20));
  const found: GroupResult[] = [];
  let position = 0;
  let totalGroups = 0;
  for (;;) {
    const page = await keywordGroups(keyword, position, chunk);
    if (!page) {
      if (position === 0) return undefined;
      break;
    }
    totalGroups = page.totalGroups;
    const last = page.groups[page.groups.length - 1];
    if (!last) break;
    const first = await groupsOffers(
      page.groups.map((group) => group.groupId),
      0,
      Math.min(topOffers, offersPerGroup),
    );
    const reads = page.groups.map((group, index) => ({
      groupId: group.groupId,
      read: [...(first[index]?.offers ?? [])],
      listed: first[index]?.offerCount ?? 0,
    }));
    const offers = await promotionalPages(reads, promotions, offersPerGroup);
    reads.forEach((group, index) => {
      const shown = offers[index] ?? [];
      const cheapest = shown[0];
      if (cheapest) {
        found.push({
          groupId: group.groupId,
          lowestTotalPrice: cheapest.totalPrice,
          offerCount: group.listed,
          offers: shown,
        });
      }
    });
    found.sort(byLowestTotalPrice);
    position += page.groups.length;
    const kth = found[wanted - 1];
    if (position >= totalGroups || position >= maxScannedGroups) break;
    if (kth && promotionalFloor(last.lowestTotalPrice, promotions) > kth.lowestTotalPrice) break;
  }
  return { groups: found.slice(offset, wanted), totalGroups };
}
