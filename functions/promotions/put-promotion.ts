/** PUT /promotions/{promotionId}: an admin creates or replaces a promotion. */
import { httpHandler, respond } from '../../shared/http';
import { putPromotion } from '../../shared/promotions/admin';
import { replanAfterChange } from '../../shared/promotions/capacity';
import { putPromotionRoute } from './routes';

export const handler = httpHandler(putPromotionRoute, async ({ params, body }) => {
  const { promotion, created } = await putPromotion(params.promotionId, body);
  await replanAfterChange();
  return created ? respond(201, promotion) : promotion;
});
