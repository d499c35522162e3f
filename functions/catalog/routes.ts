/** Contracts of the seller catalog: a seller lists, changes and removes its own offers. */
import * as z from 'zod';
import { catalogId, offerInputSchema } from '../../shared/domain/catalog';
import { defineRoute } from '../../shared/http';

const offer = z.object({
  offerId: z.string(),
  sellerId: z.string(),
  groupId: z.string(),
  sku: z.string(),
  title: z.string(),
  keywords: z.array(z.string()).describe('As search matches them: trimmed, lower-case, width-folded'),
  category: z.string(),
  price: z.int().describe('Won'),
  shippingFee: z.int().describe('Won'),
  stock: z.int(),
  unitCost: z.int().describe('Won; for margin analytics, never shown to buyers'),
  url: z.string(),
  version: z.int().describe('Incremented by every change'),
  removed: z.boolean(),
  updatedAt: z.string(),
});

const offerParams = z.strictObject({ offerId: catalogId });

export const upsertOfferRoute = defineRoute({
  operationId: 'putOffer',
  method: 'put',
  path: '/offers/{offerId}',
  summary:
    "Creates one of the seller's offers (201), or replaces it (200) at the version the seller read: stock included, so units sold since are never restored",
  tags: ['catalog'],
  auth: ['seller'],
  params: offerParams,
  // Creates the offer it names when there is none.
  notFound: false,
  body: offerInputSchema.extend({
    expectedVersion: z
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .describe(
        'The version of the offer as read (GET /offers/{offerId}); required to replace a listed offer. Orders change the version with the stock',
      ),
  }),
  response: offer,
  otherResponses: {
    201: { description: 'The offer was created', schema: offer },
    409: {
      description:
        'group_change_not_allowed; offer_version_mismatch (the offer changed since expectedVersion: read it again); offer_changed_concurrently (retry)',
      schema: z.unknown(),
    },
    428: {
      description: 'offer_version_required: the offer exists and the body has no expectedVersion',
      schema: z.unknown(),
    },
  },
  maxBodyBytes: 16 * 1024,
});

export const removeOfferRoute = defineRoute({
  operationId: 'deleteOffer',
  method: 'delete',
  path: '/offers/{offerId}',
  summary: "Removes one of the seller's offers from sale",
  tags: ['catalog'],
  auth: ['seller'],
  params: offerParams,
  response: offer,
});

export const getOfferRoute = defineRoute({
  operationId: 'getOffer',
  method: 'get',
  path: '/offers/{offerId}',
  summary: "One of the seller's offers, as stored",
  tags: ['catalog'],
  auth: ['seller'],
  params: offerParams,
  response: offer,
});

export const catalogRoutes = [upsertOfferRoute, removeOfferRoute, getOfferRoute];
