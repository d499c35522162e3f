/** PUT /sellers/standing-policy: an admin sets the next version of the standing policy. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { setPolicy } from '../../shared/sellers/admin';
import { putPolicyRoute } from './routes';

export const handler = authenticatedHttpHandler(putPolicyRoute, async ({ caller, body }) =>
  setPolicy(body, caller.memberId),
);
