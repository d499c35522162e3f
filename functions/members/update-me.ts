/** PATCH /members/me: changes the caller's own profile. */
import { httpHandler } from '../../shared/http';
import { changeProfile } from '../../shared/members/accounts';
import { updateMeRoute } from './routes';

export const handler = httpHandler(updateMeRoute, async ({ caller, body }) =>
  changeProfile(caller.memberId, body),
);
