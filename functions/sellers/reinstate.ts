/** DELETE /sellers/{sellerId}/suspension: an admin lifts a seller's suspension. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { reinstateSeller } from '../../shared/sellers/admin';
import { reinstateRoute } from './routes';

export const handler = authenticatedHttpHandler(reinstateRoute, async ({ params }) => {
  await reinstateSeller(params.sellerId);
  return undefined; // 204 No Content
});
