/** DELETE /offers/{offerId}: a seller takes one of its offers off sale. */
import { removeOffer } from '../../shared/catalog/offers';
import { httpHandler } from '../../shared/http';
import { removeOfferRoute } from './routes';

export const handler = httpHandler(removeOfferRoute, async ({ params, caller }) =>
  removeOffer(caller.memberId, params.offerId),
);
