/** Contracts of promotions: admins schedule them; search and checkout price with them. */
import * as z from 'zod';
import { catalogId } from '../../shared/domain/catalog';
import { promotionInputSchema } from '../../shared/domain/promotion';
import { defineRoute } from '../../shared/http';

const promotion = promotionInputSchema.extend({
  promotionId: z.string(),
  version: z.int().describe('Incremented by every change'),
  createdAt: z.string(),
  updatedAt: z.string(),
  activeNow: z.boolean().describe('Whether its schedule includes this instant'),
  unitsSold: z.int().describe('Units sold under it (net of cancellations and returns)'),
});

const promotionParams = z.strictObject({ promotionId: catalogId });

export const putPromotionRoute = defineRoute({
  operationId: 'putPromotion',
  method: 'put',
  path: '/promotions/{promotionId}',
  summary:
    'Creates or replaces a promotion: a schedule (daily slot, weekly days, monthly dates or a yearly period) in a time zone, a scope, a discount and optional unit limits (201 when created)',
  tags: ['promotions'],
  auth: ['admin'],
  params: promotionParams,
  // Creates the promotion it names when there is none.
  notFound: false,
  body: promotionInputSchema,
  response: promotion,
  otherResponses: {
    201: { description: 'The promotion was created', schema: promotion },
    409: { description: 'promotion_changed_concurrently (retry)', schema: z.unknown() },
  },
  maxBodyBytes: 16 * 1024,
});

export const getPromotionRoute = defineRoute({
  operationId: 'getPromotion',
  method: 'get',
  path: '/promotions/{promotionId}',
  summary: 'One promotion, whether it is active now, and the units sold under it',
  tags: ['promotions'],
  auth: ['admin'],
  params: promotionParams,
  response: promotion,
});

export const listPromotionsRoute = defineRoute({
  operationId: 'listPromotions',
  method: 'get',
  path: '/promotions',
  summary: 'Every promotion, whether it is active now, and the units sold under each',
  tags: ['promotions'],
  auth: ['admin'],
  response: z.object({ promotions: z.array(promotion) }),
});

export const endPromotionRoute = defineRoute({
  operationId: 'endPromotion',
  method: 'delete',
  path: '/promotions/{promotionId}',
  summary: 'Ends a promotion for good (orders sold under it keep its id)',
  tags: ['promotions'],
  auth: ['admin'],
  params: promotionParams,
  successStatus: 204,
  response: z.undefined(),
});

export const promotionRoutes = [putPromotionRoute, getPromotionRoute, listPromotionsRoute, endPromotionRoute];
