/** POST /sellers/{sellerId}/campaigns/suspend: an admin suspends every campaign of a seller. */
import { setSellerSuspended } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { suspendSellerCampaignsRoute } from './routes';

export const handler = authenticatedHttpHandler(suspendSellerCampaignsRoute, async ({ params }) =>
  setSellerSuspended(params.sellerId, true),
);
