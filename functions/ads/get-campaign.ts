/** GET /sellers/me/campaigns/{campaignId}: one of the seller's own campaigns. */
import { sellerCampaign } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { getCampaignRoute } from './routes';

export const handler = authenticatedHttpHandler(getCampaignRoute, async ({ params, caller }) =>
  sellerCampaign(caller.memberId, params.campaignId),
);
