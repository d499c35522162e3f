/**
 * Admins create, change and end promotions. Each change is written to DynamoDB and replaces the
 * set in Redis at once; other containers see it within a few seconds (shared/promotions/live.ts).
 */
import { isActiveAt, type Promotion, type PromotionInput } from '../domain/promotion';
import {
  ConcurrentPromotionUpdateError,
  deletePromotion,
  findPromotion,
  listPromotions,
  type PromotionUsage,
  savePromotion,
  usageOf,
} from '../dynamo/promotion-store';
import { ConflictError, NotFoundError } from '../http';
import { logger } from '../logger';
import { forgetPromotions, markExhausted } from '../redis/promotion-cache';
import { forgetLivePromotions } from './live';

export interface PromotionView extends Promotion {
  activeNow: boolean;
  unitsSold: number;
}

async function refreshCache(promotionId: string): Promise<void> {
  forgetLivePromotions();
  try {
    await forgetPromotions();
    // Checkout marks it again on its next sale if its units are still sold out.
    await markExhausted(promotionId, false);
  } catch (error) {
    // The cached set expires by itself; until then the old definition keeps pricing.
    logger.warn('promotion cache not refreshed', { promotionId, error: error as Error });
  }
}

/** A promotion as admins see it: whether it is active now and the units sold under it. */
const viewWith = (promotion: Promotion, usage: Map<string, PromotionUsage>, now: Date): PromotionView => ({
  ...promotion,
  activeNow: isActiveAt(promotion, now),
  unitsSold: usage.get(promotion.promotionId)?.total ?? 0,
});

async function viewOf(promotion: Promotion, now: Date): Promise<PromotionView> {
  return viewWith(promotion, await usageOf([promotion.promotionId]), now);
}

/** Creates or replaces the promotion; `created` tells which. */
export async function putPromotion(
  promotionId: string,
  input: PromotionInput,
  now = new Date(),
): Promise<{ promotion: PromotionView; created: boolean }> {
  const previous = await findPromotion(promotionId);
  const next: Promotion = {
    ...input,
    promotionId,
    version: (previous?.version ?? 0) + 1,
    createdAt: previous?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
  try {
    await savePromotion(next, previous);
  } catch (error) {
    if (error instanceof ConcurrentPromotionUpdateError) {
      throw new ConflictError(
        'promotion_changed_concurrently',
        'The promotion was changed by another request; retry',
      );
    }
    throw error;
  }
  await refreshCache(promotionId);
  return { promotion: await viewOf(next, now), created: previous === undefined };
}

export async function promotion(promotionId: string, now = new Date()): Promise<PromotionView> {
  const found = await findPromotion(promotionId);
  if (!found) throw new NotFoundError(`No promotion ${promotionId}`);
  return viewOf(found, now);
}

export async function allPromotions(now = new Date()): Promise<PromotionView[]> {
  const promotions = await listPromotions();
  const usage = await usageOf(promotions.map((found) => found.promotionId));
  return promotions.map((found) => viewWith(found, usage, now));
}

/** Ends the promotion for good: it prices nothing from now on; orders sold under it keep its id. */
export async function endPromotion(promotionId: string): Promise<void> {
  if (!(await findPromotion(promotionId))) throw new NotFoundError(`No promotion ${promotionId}`);
  await deletePromotion(promotionId);
  await refreshCache(promotionId);
}
