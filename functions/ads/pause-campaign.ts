/** POST /sellers/me/campaigns/{campaignId}/pause: a seller pauses one of its campaigns. */
import { setCampaignStatus } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { pauseCampaignRoute } from './routes';

export const handler = authenticatedHttpHandler(pauseCampaignRoute, async ({ params, caller }) =>
  setCampaignStatus(caller.memberId, params.campaignId, 'paused'),
);
