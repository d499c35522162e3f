/** POST /sellers/me/campaigns: a seller creates a campaign for some of its own offers. */
import { createCampaign } from '../../shared/ads/campaigns';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { createCampaignRoute } from './routes';

export const handler = authenticatedHttpHandler(createCampaignRoute, async ({ body, caller }) =>
  createCampaign(caller.memberId, body),
);
