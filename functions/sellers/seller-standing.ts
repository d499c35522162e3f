/** GET /sellers/{sellerId}/standing: any seller's standing, for admins. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { requireSeller } from '../../shared/sellers/admin';
import { sellerStanding } from '../../shared/sellers/standing';
import { sellerStandingRoute } from './routes';

export const handler = authenticatedHttpHandler(sellerStandingRoute, async ({ params }) => {
  await requireSeller(params.sellerId);
  return sellerStanding(params.sellerId);
});
