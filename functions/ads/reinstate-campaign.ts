/** POST /campaigns/{campaignId}/reinstate: an admin reinstates one suspended campaign. */
import { setCampaignSuspended } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { reinstateOneCampaignRoute } from './routes';

export const handler = authenticatedHttpHandler(reinstateOneCampaignRoute, async ({ params }) =>
  setCampaignSuspended(params.campaignId, false),
);
