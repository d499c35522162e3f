/**
 * A seller's own offers as the seller reads them. Apart from offers.ts, which changes offers and
 * publishes catalog events, so that reading an offer needs no Kafka producer.
 */
import type { Offer } from '../domain/catalog';
import { findOffer } from '../dynamo/offer-store';
import { ForbiddenError, NotFoundError } from '../http';

/** Refuses an offer of another seller with 403. */
export function ownedBy(offer: Offer, sellerId: string): void {
  if (offer.sellerId !== sellerId) throw new ForbiddenError('This offer belongs to another seller');
}

/** The seller's own offer. */
export async function sellersOffer(sellerId: string, offerId: string): Promise<Offer> {
  const current = await findOffer(offerId);
  if (!current || current.removed) throw new NotFoundError(`No offer ${offerId}`);
  ownedBy(current, sellerId);
  return current;
}
