/** PUT /sellers/me/campaigns/{campaignId}: a seller replaces one of its campaigns at the version it read. */
import { replaceCampaign } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { putCampaignRoute } from './routes';

export const handler = authenticatedHttpHandler(putCampaignRoute, async ({ params, body, caller }) => {
  const { expectedVersion, ...input } = body;
  return replaceCampaign(caller.memberId, params.campaignId, input, expectedVersion);
});
