/**
 * Events of the catalog topic, keyed by product group so a group's events stay in order for the
 * price cache. Each carries the whole offer as it is at that version: sellers' changes, and stock
 * taken or given back by orders (announced with the offer as it is when the outbox sends them).
 */
import * as z from 'zod';
import { offerEventTypes, offerSchema } from '../domain/catalog';
import type { TopicEventsDefinition } from './definition';

const offer = offerSchema.extend({
  groupId: offerSchema.shape.groupId.describe('The product group, also the record key'),
  keywords: offerSchema.shape.keywords.describe('Folded as search matches them (trimmed, lower case, NFKC)'),
  price: offerSchema.shape.price.describe('Won'),
  shippingFee: offerSchema.shape.shippingFee.describe('Won, once per seller per order'),
  unitCost: offerSchema.shape.unitCost.describe("Won: the seller's cost of one unit, for margins"),
  stock: offerSchema.shape.stock.describe(
    'Units on hand; units given back by orders may take it past the most a seller enters at once',
  ),
  version: offerSchema.shape.version.describe(
    'Incremented by every change of the offer; an older version never overwrites a newer one',
  ),
});

export const offerUpsertedV1 = offer.extend({ removed: z.literal(false) });

export const offerRemovedV1 = offer.extend({
  removed: z.literal(true).describe('The offer stays as a tombstone with its last version'),
});

export const catalogEvents = {
  description: "Every version of every seller's offer.",
  key: 'product group id',
  source: 'catalog',
  types: {
    [offerEventTypes.upserted]: {
      description: 'An offer was listed or changed, or its stock changed by an order.',
      versions: { 1: offerUpsertedV1 },
    },
    [offerEventTypes.removed]: {
      description: 'An offer was removed from sale.',
      versions: { 1: offerRemovedV1 },
    },
  },
} as const satisfies TopicEventsDefinition;

export const catalogEventDataSchema = z.discriminatedUnion('removed', [offerUpsertedV1, offerRemovedV1]);
export type CatalogEventData = z.infer<typeof catalogEventDataSchema>;
