/**
 * The promotions every function prices with, in Redis so that a promotion peak reads them from
 * memory rather than from DynamoDB:
 *
 *   {promotions}:all        STRING  every promotion as JSON, loaded from DynamoDB on a miss (expires)
 *   {promotions}:exhausted  SET     promotions whose total units are sold out
 *
 * Both are read in one pipeline, so they share a Redis Cluster slot (hash tag {promotions}).
 *
 * Which of them are active is decided at request time from their schedules (shared/domain/promotion.ts),
 * so a promotion starts and ends on the minute wherever the set was read.
 */
import type { Promotion } from '../domain/promotion';
import { connectedRedis, execOrThrow } from './client';
import { promotionKeys } from './keys';

const { all: allKey, exhausted: exhaustedKey } = promotionKeys;
/** A safety net only: every change of a promotion replaces the key at once. */
const allSeconds = 300;

export interface CachedPromotions {
  promotions: Promotion[];
  exhausted: Set<string>;
}

/** The cached set, or undefined when Redis does not hold it (ask DynamoDB, then storePromotions). */
export async function cachedPromotions(): Promise<CachedPromotions | undefined> {
  const redis = await connectedRedis();
  const [all, exhausted] = (await execOrThrow(redis.pipeline().get(allKey).smembers(exhaustedKey))) as [
    string | null,
    string[],
  ];
  if (all === null) return undefined;
  return { promotions: JSON.parse(all) as Promotion[], exhausted: new Set(exhausted) };
}

export async function storePromotions(promotions: readonly Promotion[]): Promise<void> {
  await (await connectedRedis()).set(allKey, JSON.stringify(promotions), 'EX', allSeconds);
}

/** Forgets the set after a change, so that the next read loads it anew. */
export async function forgetPromotions(): Promise<void> {
  await (await connectedRedis()).unlink(allKey);
}

/** Marks a promotion sold out (true) or available again (false). */
export async function markExhausted(promotionId: string, exhausted: boolean): Promise<void> {
  const redis = await connectedRedis();
  if (exhausted) await redis.sadd(exhaustedKey, promotionId);
  else await redis.srem(exhaustedKey, promotionId);
}
