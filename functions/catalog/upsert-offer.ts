/** PUT /offers/{offerId}: a seller creates one of its offers, or replaces it at the version it read. */
import { upsertOffer } from '../../shared/catalog/offers';
import { respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { upsertOfferRoute } from './routes';

export const handler = authenticatedHttpHandler(upsertOfferRoute, async ({ params, body, caller }) => {
  const { expectedVersion, ...input } = body;
  const { offer, created } = await upsertOffer(caller.memberId, params.offerId, input, { expectedVersion });
  return created ? respond(201, offer) : offer;
});
