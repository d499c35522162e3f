/**
 * The promotions that price offers right now: each container remembers the set for a few seconds,
 * then reads it from Redis, and from DynamoDB when Redis misses or is down. A change by an admin is
 * seen everywhere within `rememberedMs`; a promotion's start and end are exact, because activity is
 * decided from the schedule at the instant asked about.
 */
import { activePromotions, type Promotion } from '../domain/promotion';
import { listPromotions } from '../dynamo/promotion-store';
import { logger } from '../logger';
import { type CachedPromotions, cachedPromotions, storePromotions } from '../redis/promotion-cache';

const rememberedMs = 5_000;
let remembered: { set: CachedPromotions; until: number } | undefined;

async function promotionSet(): Promise<CachedPromotions> {
  const now = Date.now();
  if (remembered && remembered.until > now) return remembered.set;
  let set: CachedPromotions | undefined;
  try {
    set = await cachedPromotions();
    if (!set) {
      set = { promotions: await listPromotions(), exhausted: new Set() };
      await storePromotions(set.promotions);
    }
  } catch (error) {
    logger.warn('promotion cache unavailable, reading DynamoDB', {
      error: error instanceof Error ? error.message : String(error),
    });
    set ??= { promotions: await listPromotions(), exhausted: new Set() };
  }
  remembered = { set, until: now + rememberedMs };
  return set;
}

/** Promotions active at `now` whose units are not sold out. */
export async function livePromotions(now: Date): Promise<Promotion[]> {
  const { promotions, exhausted } = await promotionSet();
  return activePromotions(promotions, now).filter((promotion) => !exhausted.has(promotion.promotionId));
}

/** Drops this container's copy (after its own change, and in tests). */
export function forgetLivePromotions(): void {
  remembered = undefined;
}
