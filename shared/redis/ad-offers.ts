/**
 * What a sponsored slot shows of an offer: read from the price cache's display hash of the offer
 * (`offer:{g}:<offerId>`, price-cache.ts), which exists only while the offer is listed, so an offer
 * sold out or removed is never advertised. One HMGET per offer, in the group's slot, all at once.
 */
import type { CampaignOffer, SlotOffer } from '../domain/ads';
import { connectedRedis } from './client';
import { groupKeys } from './keys';

const fields = ['sellerId', 'title', 'price', 'shippingFee', 'url', 'category'] as const;

/** The listed offers among `offers`, by offer id, at their list price. */
export async function listedOffers(offers: readonly CampaignOffer[]): Promise<Map<string, SlotOffer>> {
  const redis = await connectedRedis();
  const rows = await Promise.all(
    offers.map(({ offerId, groupId }) =>
      redis.hmget(`${groupKeys(groupId).offerPrefix}${offerId}`, ...fields),
    ),
  );
  const listed = new Map<string, SlotOffer>();
  offers.forEach(({ offerId, groupId }, index) => {
    const [sellerId, title, price, shippingFee, url, category] = rows[index] ?? [];
    if (!sellerId || !title || !url) return;
    const list = Number(price ?? 0);
    const shipping = Number(shippingFee ?? 0);
    listed.set(offerId, {
      offerId,
      groupId,
      sellerId,
      title,
      category: category ?? '',
      price: list,
      shippingFee: shipping,
      discount: 0,
      promotionId: null,
      totalPrice: list + shipping,
      url,
    });
  });
  return listed;
}
