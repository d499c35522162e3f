/** POST /sellers/me/campaigns/{campaignId}/resume: a seller resumes one of its paused campaigns. */
import { setCampaignStatus } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { resumeCampaignRoute } from './routes';

export const handler = authenticatedHttpHandler(resumeCampaignRoute, async ({ params, caller }) =>
  setCampaignStatus(caller.memberId, params.campaignId, 'active'),
);
