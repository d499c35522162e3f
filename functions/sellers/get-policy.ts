/** GET /sellers/standing-policy: the standing policy, for admins. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { currentPolicy } from '../../shared/sellers/standing';
import { getPolicyRoute } from './routes';

export const handler = authenticatedHttpHandler(getPolicyRoute, async () => currentPolicy());
