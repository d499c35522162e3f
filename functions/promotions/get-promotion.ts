/** GET /promotions/{promotionId}: one promotion, for admins. */
import { httpHandler } from '../../shared/http';
import { promotion } from '../../shared/promotions/admin';
import { getPromotionRoute } from './routes';

export const handler = httpHandler(getPromotionRoute, async ({ params }) => promotion(params.promotionId));
