/** PUT /promotions/{promotionId}: an admin creates or replaces a promotion. */
import { respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { putPromotion } from '../../shared/promotions/admin';
import { replanAfterChange } from '../../shared/promotions/capacity';
import { putPromotionRoute } from './routes';

export const handler = authenticatedHttpHandler(putPromotionRoute, async ({ params, body }) => {
  const { promotion, created } = await putPromotion(params.promotionId, body);
  await replanAfterChange();
  return created ? respond(201, promotion) : promotion;
});
