/** DELETE /offers/{offerId}: a seller takes one of its offers off sale. */
import { removeOffer } from '../../shared/catalog/offers';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { removeOfferRoute } from './routes';

export const handler = authenticatedHttpHandler(removeOfferRoute, async ({ params, caller }) =>
  removeOffer(caller.memberId, params.offerId),
);
