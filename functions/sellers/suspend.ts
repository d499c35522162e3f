/** PUT /sellers/{sellerId}/suspension: an admin suspends a seller's offers from search. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { suspendSeller } from '../../shared/sellers/admin';
import { suspendRoute } from './routes';

export const handler = authenticatedHttpHandler(suspendRoute, async ({ caller, params, body }) =>
  suspendSeller(params.sellerId, body.reason, caller.memberId),
);
