/** POST /campaigns/{campaignId}/suspend: an admin suspends one campaign. */
import { setCampaignSuspended } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { suspendOneCampaignRoute } from './routes';

export const handler = authenticatedHttpHandler(suspendOneCampaignRoute, async ({ params }) =>
  setCampaignSuspended(params.campaignId, true),
);
