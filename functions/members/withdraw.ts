/** DELETE /members/me: the caller withdraws. */
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { withdraw } from '../../shared/members/accounts';
import { withdrawRoute } from './routes';

export const handler = authenticatedHttpHandler(withdrawRoute, async ({ caller }) => {
  await withdraw(caller.memberId);
  return undefined; // 204 No Content
});
