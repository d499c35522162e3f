/** DELETE /promotions/{promotionId}: an admin ends a promotion. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { endPromotion } from '../../shared/promotions/admin';
import { replanAfterChange } from '../../shared/promotions/capacity';
import { endPromotionRoute } from './routes';

export const handler = authenticatedHttpHandler(endPromotionRoute, async ({ params }) => {
  await endPromotion(params.promotionId);
  await replanAfterChange();
  return undefined; // 204 No Content
});
