/** PUT /promotions/{promotionId}: an admin creates or replaces a promotion. */
import { httpHandler, respond } from '../../shared/http';
import { putPromotion } from '../../shared/promotions/admin';
import { putPromotionRoute } from './routes';

export const handler = httpHandler(putPromotionRoute, async ({ params, body }) => {
  const { promotion, created } = await putPromotion(params.promotionId, body);
  return created ? respond(201, promotion) : promotion;
});
