/** POST /auth/login: email and password for an access token and a refresh token. */
import { httpHandler } from '../../shared/http';
import { logIn } from '../../shared/members/login';
import { logInRoute } from './routes';

export const handler = httpHandler(logInRoute, async ({ body }, event) =>
  // API Gateway's view of the client address; a client cannot set it with a header.
  logIn(body.email, body.password, event.requestContext?.identity?.sourceIp ?? 'unknown'),
);
