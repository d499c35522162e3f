/** POST /offers/{offerId}/complaints: a buyer reports an offer of one of its paid orders. */
import { respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { fileComplaint } from '../../shared/sellers/complaints';
import { complaintRoute } from './routes';

export const handler = authenticatedHttpHandler(complaintRoute, async ({ caller, params, body }) =>
  respond(201, await fileComplaint(caller.memberId, params.offerId, body)),
);
