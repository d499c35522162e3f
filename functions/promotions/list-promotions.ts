/** GET /promotions: every promotion, for admins. */
import { httpHandler } from '../../shared/http';
import { allPromotions } from '../../shared/promotions/admin';
import { listPromotionsRoute } from './routes';

export const handler = httpHandler(listPromotionsRoute, async () => ({ promotions: await allPromotions() }));
