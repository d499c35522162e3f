/**
 * A seller's changes to its offers: written to DynamoDB (the source of truth), then announced on
 * the catalog topic keyed by product group, so the group's events stay in order for the cache.
 */
import { nextOffer, type Offer, type OfferInput, offerEventTypes, removedOffer } from '../domain/catalog';
import { ConcurrentOfferUpdateError, findOffer, saveOffer } from '../dynamo/offer-store';
import { domainEvent } from '../events/envelope';
import { ApiError, ConflictError, NotFoundError } from '../http';
import { publishEvents } from '../kafka/events';
import { logger } from '../logger';
import { ownedBy } from './seller-offers';

export const catalogEventSource = 'catalog';

/** The catalog event announcing a version of an offer. */
export function offerEvent(offer: Offer, now: Date) {
  return domainEvent(
    {
      type: offer.removed ? offerEventTypes.removed : offerEventTypes.upserted,
      source: catalogEventSource,
      key: offer.groupId,
      data: { ...offer },
    },
    now,
  );
}

async function save(next: Offer, previous: Offer | undefined, now: Date): Promise<void> {
  try {
    await saveOffer(next, previous);
  } catch (error) {
    if (error instanceof ConcurrentOfferUpdateError) {
      throw new ConflictError(
        'offer_changed_concurrently',
        'The offer was changed by another request; retry',
      );
    }
    throw error;
  }
  try {
    await publishEvents('catalogEvents', [offerEvent(next, now)]);
  } catch (error) {
    // The change is stored but not announced: the seller's retry writes a newer version and
    // announces that, which brings the cache in line.
    logger.error('catalog event not published', { offerId: next.offerId, error: error as Error });
    throw new ApiError(
      503,
      'catalog_event_not_published',
      'The change could not be announced yet; retry',
      undefined,
      {
        'Retry-After': '1',
      },
    );
  }
}

/**
 * Creates or replaces the seller's offer; `created` tells which. Replacing a listed offer needs the
 * version the seller read (`expectedVersion`): every order and cancellation changes the offer's
 * version with its stock, so a stock figure read before units were sold is refused instead of
 * restoring them. The write is conditional on that version too.
 */
export async function upsertOffer(
  sellerId: string,
  offerId: string,
  input: OfferInput,
  options: { expectedVersion?: number; now?: Date } = {},
): Promise<{ offer: Offer; created: boolean }> {
  const { expectedVersion, now = new Date() } = options;
  const current = await findOffer(offerId);
  if (current) {
    ownedBy(current, sellerId);
    if (!current.removed && current.groupId !== input.groupId) {
      throw new ConflictError(
        'group_change_not_allowed',
        'An offer stays in its product group; remove it and list a new offer in the other group',
      );
    }
  }
  if (current && !current.removed && expectedVersion === undefined) {
    throw new ApiError(
      428,
      'offer_version_required',
      `Offer ${offerId} exists: send expectedVersion, the version you read (GET /offers/${offerId})`,
    );
  }
  if (expectedVersion !== undefined && expectedVersion !== (current?.version ?? 0)) {
    throw new ConflictError(
      'offer_version_mismatch',
      `Offer ${offerId} is at version ${current?.version ?? 0}, not ${expectedVersion}: orders or another change came first; read it again and resend`,
    );
  }
  const offer = nextOffer(current, input, { offerId, sellerId }, now);
  await save(offer, current, now);
  return { offer, created: !current || current.removed };
}

/** Removes the seller's offer from sale; it stays as a tombstone with its last version. */
export async function removeOffer(sellerId: string, offerId: string, now = new Date()): Promise<Offer> {
  const current = await findOffer(offerId);
  if (!current || current.removed) throw new NotFoundError(`No offer ${offerId}`);
  ownedBy(current, sellerId);
  const offer = removedOffer(current, now);
  await save(offer, current, now);
  return offer;
}
