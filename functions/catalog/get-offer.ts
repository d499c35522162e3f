/** GET /offers/{offerId}: a seller reads one of its offers. */
import { sellersOffer } from '../../shared/catalog/seller-offers';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { getOfferRoute } from './routes';

export const handler = authenticatedHttpHandler(getOfferRoute, async ({ params, caller }) =>
  sellersOffer(caller.memberId, params.offerId),
);
