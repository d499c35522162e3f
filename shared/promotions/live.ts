/**
 * The promotions that price offers right now: each container remembers the set for a few seconds,
 * then reads it from Redis, and from DynamoDB when Redis misses, is down or does not answer within
 * its bound; when DynamoDB fails too, the container prices with the last set it read. A change by an admin is
 * seen everywhere within `rememberedMs`; a promotion's start and end are exact, because activity is
 * decided from the schedule at the instant asked about.
 */
import { activePromotions, type Promotion } from '../domain/promotion';
import { listPromotions } from '../dynamo/promotion-store';
import { logger } from '../logger';
import { type CachedPromotions, cachedPromotions, storePromotions } from '../redis/promotion-cache';

const rememberedMs = 5_000;
/** The set last read, kept past rememberedMs: what prices when neither Redis nor DynamoDB answers. */
let remembered: { set: CachedPromotions; until: number } | undefined;

async function freshSet(): Promise<CachedPromotions> {
  let redisAnswered = true;
  const cached = await cachedPromotions().catch((error: unknown) => {
    redisAnswered = false;
    logger.warn('promotion cache unavailable, reading DynamoDB', {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  });
  if (cached) return cached;
  const set = { promotions: await listPromotions(), exhausted: new Set<string>() };
  if (!redisAnswered) return set;
  await storePromotions(set.promotions).catch((error: unknown) =>
    logger.warn('promotion cache not written', {
      error: error instanceof Error ? error.message : String(error),
    }),
  );
  return set;
}

async function promotionSet(): Promise<CachedPromotions> {
  const now = Date.now();
  if (remembered && remembered.until > now) return remembered.set;
  let set: CachedPromotions;
  try {
    set = await freshSet();
  } catch (error) {
    // Both stores away: a price list as old as the outage beats refusing every search and order
    // (checkout's transaction still enforces each promotion's limits); without one, the caller fails.
    if (!remembered) throw error;
    logger.warn('promotions unavailable, pricing with the last set read', {
      error: error instanceof Error ? error.message : String(error),
    });
    // Kept as if just read, so the outage is not waited on again by every call within rememberedMs.
    remembered = { set: remembered.set, until: now + rememberedMs };
    return remembered.set;
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
