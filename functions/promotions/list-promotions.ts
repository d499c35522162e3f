/** GET /promotions: every promotion, for admins. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { allPromotions } from '../../shared/promotions/admin';
import { listPromotionsRoute } from './routes';

export const handler = authenticatedHttpHandler(listPromotionsRoute, async () => ({
  promotions: await allPromotions(),
}));
