/** GET /ads/click/{token}: a click on a sponsored slot, charged once, redirected to the offer. */
import { clickThrough } from '../../shared/ads/clicks';
import { respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { sessionIdOf } from '../../shared/search/visitor';
import { adClickRoute } from './routes';

export const handler = authenticatedHttpHandler(adClickRoute, async ({ params, caller }, event) => {
  const { location } = await clickThrough(params.token, {
    memberId: caller?.memberId,
    sessionId: sessionIdOf(event),
  });
  return respond(302, { location }, { location, 'cache-control': 'no-store' });
});
