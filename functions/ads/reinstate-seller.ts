/** POST /sellers/{sellerId}/campaigns/reinstate: an admin reinstates every campaign of a seller. */
import { setSellerSuspended } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { reinstateSellerCampaignsRoute } from './routes';

export const handler = authenticatedHttpHandler(reinstateSellerCampaignsRoute, async ({ params }) =>
  setSellerSuspended(params.sellerId, false),
);
