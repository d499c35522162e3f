/** GET /members/me: the caller's own profile. */
import { httpHandler } from '../../shared/http';
import { activeMember, profileOf } from '../../shared/members/accounts';
import { getMeRoute } from './routes';

export const handler = httpHandler(getMeRoute, async ({ caller }) =>
  profileOf(await activeMember(caller.memberId)),
);
