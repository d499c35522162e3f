/** GET /members/me: the caller's own profile. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { activeMember, profileOf } from '../../shared/members/profile';
import { getMeRoute } from './routes';

export const handler = authenticatedHttpHandler(getMeRoute, async ({ caller }) =>
  profileOf(await activeMember(caller.memberId)),
);
