/** PATCH /members/me: changes the caller's own profile. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { changeProfile } from '../../shared/members/accounts';
import { updateMeRoute } from './routes';

export const handler = authenticatedHttpHandler(updateMeRoute, async ({ caller, body }) =>
  changeProfile(caller.memberId, body),
);
