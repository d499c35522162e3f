/** POST /auth/logout: ends the login of a refresh token. */
import { httpHandler } from '../../shared/http';
import { logOut } from '../../shared/members/logout';
import { logOutRoute } from './routes';

export const handler = httpHandler(logOutRoute, async ({ body }) => {
  await logOut(body.refreshToken);
  return undefined; // 204 No Content
});
