/** GET /sellers/me/campaigns: the seller's own campaigns. */
import { sellerCampaigns } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { listCampaignsRoute } from './routes';

export const handler = authenticatedHttpHandler(listCampaignsRoute, async ({ caller }) => ({
  campaigns: await sellerCampaigns(caller.memberId),
}));
