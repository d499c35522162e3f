/** PUT /offers/{offerId}: a seller creates or replaces one of its offers. */
import { upsertOffer } from '../../shared/catalog/offers';
import { httpHandler, respond } from '../../shared/http';
import { upsertOfferRoute } from './routes';

export const handler = httpHandler(upsertOfferRoute, async ({ params, body, caller }) => {
  const { offer, created } = await upsertOffer(caller.memberId, params.offerId, body);
  return created ? respond(201, offer) : offer;
});
