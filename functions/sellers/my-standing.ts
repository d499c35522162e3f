/** GET /sellers/me/standing: the calling seller's own standing. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { sellerStanding } from '../../shared/sellers/standing';
import { myStandingRoute } from './routes';

export const handler = authenticatedHttpHandler(myStandingRoute, async ({ caller }) =>
  sellerStanding(caller.memberId),
);
