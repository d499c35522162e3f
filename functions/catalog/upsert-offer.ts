/** PUT /offers/{offerId}: a seller creates or replaces one of its offers. */
import { upsertOffer } from '../../shared/catalog/offers';
import { respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { upsertOfferRoute } from './routes';

export const handler = authenticatedHttpHandler(upsertOfferRoute, async ({ params, body, caller }) => {
  const { offer, created } = await upsertOffer(caller.memberId, params.offerId, body);
  return created ? respond(201, offer) : offer;
});
