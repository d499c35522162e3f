/** GET /offers/{offerId}: a seller reads one of its offers. */
import { sellersOffer } from '../../shared/catalog/offers';
import { httpHandler } from '../../shared/http';
import { getOfferRoute } from './routes';

export const handler = httpHandler(getOfferRoute, async ({ params, caller }) =>
  sellersOffer(caller.memberId, params.offerId),
);
