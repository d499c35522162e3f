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
import { groupsOffers, keywordGroupScores, keywordGroups, topOffers } from '../redis/price-cache';

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

interface RankedRead {
  groupId: string;
  lowestTotalPrice: number;
  read: GroupRead;
}

/**
 * Each group's cheapest total under the promotions, from its rendered first page (more only when
 * an unread offer could still be cheaper); groups with nothing listed are left out. Only the page
 * finally shown reads each group's other offers as far as it shows them.
 */
async function rankGroups(groupIds: readonly string[], promotions: LivePromotions): Promise<RankedRead[]> {
  const first = await groupsOffers(groupIds, 0, topOffers);
  const reads = groupIds.map((groupId, index) => ({
    groupId,
    read: [...(first[index]?.offers ?? [])],
    listed: first[index]?.offerCount ?? 0,
  }));
  const cheapest = await promotionalPages(reads, promotions, 1);
  return reads.flatMap((read, index) => {
    const offer = cheapest[index]?.[0];
    return offer ? [{ groupId: read.groupId, lowestTotalPrice: offer.totalPrice, read }] : [];
  });
}

/**
 * Groups for a keyword by promotional price, or undefined when the cache does not know it. A
 * promotion scoped to one product group can only move that group: such groups are read directly,
 * and only the other promotions bound how far the keyword's groups are read.
 */
export async function promotionalKeywordPage(
  keyword: string,
  offset: number,
  limit: number,
  offersPerGroup: number,
  promotions: LivePromotions,
): Promise<{ groups: GroupResult[]; totalGroups: number } | undefined> {
  const wanted = offset + limit;
  const broad = promotions.filter((promotion) => promotion.scope.kind !== 'group');
  const scoped = [
    ...new Set(
      promotions.flatMap((promotion) => (promotion.scope.kind === 'group' ? [promotion.scope.groupId] : [])),
    ),
  ];
  const scores = await keywordGroupScores(keyword, scoped);
  const targeted = new Set(scoped.filter((_, index) => scores[index] !== null));
  // Under a broad promotion the scan often goes on: each round reads twice as many groups.
  let chunk = broad.length === 0 ? wanted : Math.max(wanted, 20);
  const found: RankedRead[] = [];
  let position = 0;
  let totalGroups = 0;
  for (;;) {
    const page = await keywordGroups(keyword, position, Math.min(chunk, maxScannedGroups - position));
    chunk *= 2;
    if (!page) {
      if (position === 0) return undefined;
      break;
    }
    totalGroups = page.totalGroups;
    const last = page.groups[page.groups.length - 1];
    if (!last) break;
    const ids = page.groups.map((group) => group.groupId);
    for (const groupId of ids) targeted.delete(groupId);
    found.push(...(await rankGroups(ids, promotions)));
    found.sort(byLowestTotalPrice);
    position += page.groups.length;
    if (position >= totalGroups || position >= maxScannedGroups) break;
    const kth = found[wanted - 1];
    // Without broad promotions the unread groups keep their list order: the first `wanted` suffice.
    if (
      broad.length === 0
        ? found.length >= wanted
        : kth && promotionalFloor(last.lowestTotalPrice, broad) > kth.lowestTotalPrice
    )
      break;
  }
  if (targeted.size > 0) {
    found.push(...(await rankGroups([...targeted], promotions)));
    found.sort(byLowestTotalPrice);
  }
  const shown = found.slice(offset, wanted);
  const pages = await promotionalPages(
    shown.map((group) => group.read),
    promotions,
    offersPerGroup,
  );
  const groups = shown.map((group, index) => ({
    groupId: group.groupId,
    lowestTotalPrice: group.lowestTotalPrice,
    offerCount: group.read.listed,
    offers: pages[index] ?? [],
  }));
  return { groups, totalGroups };
}
