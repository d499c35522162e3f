/**
 * Promotions at checkout: each line gets the live promotion that gives the buyer the best price
 * and still has units for this member and in all; the order's transaction then counts those units
 * against the limits (shared/dynamo/promotion-store.ts), so a race for the last promoted units is
 * decided by DynamoDB, never oversold.
 */
import type { Offer } from '../domain/catalog';
import type { DiscountRule, OrderItem } from '../domain/order';
import { appliesTo, bestPromotion, type Promotion } from '../domain/promotion';
import type { PromotionUse } from '../dynamo/promotion-store';
import { usageOf } from '../dynamo/promotion-store';
import { logger } from '../logger';
import { forgetLivePromotions, livePromotions } from '../promotions/live';
import { forgetPromotions, markExhausted } from '../redis/promotion-cache';

export interface PromotionPricing {
  discountFor: DiscountRule;
  /** Units each promotion gives in this order, with its limits, for the order's transaction. */
  uses: PromotionUse[];
  /** Promotions this order sells out, to mark in the cache once the order is placed. */
  sellsOut: string[];
}

const hasLimits = (promotion: Promotion) =>
  promotion.limits.totalUnits !== undefined || promotion.limits.perMemberUnits !== undefined;

/** The promotion of every line (if any) for this member at `now`. */
export async function promotionPricing(
  memberId: string,
  lines: readonly { offer: Offer; quantity: number }[],
  now: Date,
): Promise<PromotionPricing> {
  const live = await livePromotions(now);
  const candidates = live.filter((promotion) => lines.some(({ offer }) => appliesTo(promotion, offer)));
  const limited = candidates.filter(hasLimits);
  const usage =
    limited.length > 0
      ? await usageOf(
          limited.map((p) => p.promotionId),
          memberId,
        )
      : new Map();
  // Units this order already takes of each promotion, so two lines cannot share the last units.
  const taking = new Map<string, number>();
  const chosen = new Map<string, { promotionId: string; unitDiscount: number }>();
  for (const { offer, quantity } of lines) {
    const available = candidates.filter((promotion) => {
      const used = usage.get(promotion.promotionId) ?? { total: 0, member: 0 };
      const more = (taking.get(promotion.promotionId) ?? 0) + quantity;
      const { totalUnits, perMemberUnits } = promotion.limits;
      return (
        (totalUnits === undefined || used.total + more <= totalUnits) &&
        (perMemberUnits === undefined || used.member + more <= perMemberUnits)
      );
    });
    const best = bestPromotion(available, offer);
    if (!best) continue;
    chosen.set(offer.offerId, best);
    taking.set(best.promotionId, (taking.get(best.promotionId) ?? 0) + quantity);
  }
  const byId = new Map(candidates.map((promotion) => [promotion.promotionId, promotion]));
  const uses = [...taking].flatMap(([promotionId, units]) => {
    const promotion = byId.get(promotionId);
    return promotion
      ? [
          {
            promotionId,
            memberId,
            units,
            limits: promotion.limits,
            pricedWith: { version: promotion.version, createdAt: promotion.createdAt },
          },
        ]
      : [];
  });
  const sellsOut = uses.flatMap(({ promotionId, units, limits }) =>
    limits.totalUnits !== undefined && (usage.get(promotionId)?.total ?? 0) + units >= limits.totalUnits
      ? [promotionId]
      : [],
  );
  return { discountFor: (offer) => chosen.get(offer.offerId), uses, sellsOut };
}

/** The promotions an order's lines were sold under. */
export const promotionsOf = (order: { items: readonly OrderItem[] }) =>
  order.items.flatMap((item) => (item.promotionId ? [item.promotionId] : []));

/**
 * Tells search and checkout that promotions sold out (or have units again). Best effort: checkout's
 * transaction enforces the limits whatever the cache says; the mark only stops showing a price
 * nobody can get any more.
 */
export async function markPromotions(promotionIds: readonly string[], exhausted: boolean): Promise<void> {
  for (const promotionId of new Set(promotionIds)) {
    await markExhausted(promotionId, exhausted).catch((error: unknown) =>
      logger.warn('promotion mark not written', { promotionId, exhausted, error: error as Error }),
    );
  }
}

/**
 * Drops the promotion set this container and Redis hold, after checkout's transaction found one of
 * them ended or changed: the buyer's retry is priced from DynamoDB. Best effort, as the admin's own
 * invalidation.
 */
export async function forgetStalePromotions(): Promise<void> {
  forgetLivePromotions();
  await forgetPromotions().catch((error: unknown) =>
    logger.warn('stale promotion set not dropped from the cache', { error: error as Error }),
  );
}
