/** GET /promotions/{promotionId}: one promotion, for admins. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { promotion } from '../../shared/promotions/admin';
import { getPromotionRoute } from './routes';

export const handler = authenticatedHttpHandler(getPromotionRoute, async ({ params }) =>
  promotion(params.promotionId),
);
