/** DELETE /members/me: the caller withdraws. */
import { httpHandler } from '../../shared/http';
import { withdraw } from '../../shared/members/accounts';
import { withdrawRoute } from './routes';

export const handler = httpHandler(withdrawRoute, async ({ caller }) => {
  await withdraw(caller.memberId);
  return undefined; // 204 No Content
});
