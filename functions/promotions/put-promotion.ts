/** PUT /promotions/{promotionId}: an admin creates or replaces a promotion. */
import { respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { putPromotion } from '../../shared/promotions/admin';
import { putPromotionRoute } from './routes';

export const handler = authenticatedHttpHandler(putPromotionRoute, async ({ params, body }) => {
  const { promotion, created } = await putPromotion(params.promotionId, body);
  return created ? respond(201, promotion) : promotion;
});
