/** Contracts of logins: log in, refresh, log out. */
import * as z from 'zod';
import { normalizeEmail, passwordMaxLength } from '../../shared/domain/member';
import { defineRoute } from '../../shared/http';

const session = z.object({
  accessToken: z.string().describe('Send as "Authorization: Bearer <accessToken>"'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.int().describe('Seconds the access token is valid'),
  refreshToken: z.string().describe('Single use: POST /auth/refresh answers a new one'),
  refreshExpiresIn: z.int().describe('Seconds the refresh token is valid if unused'),
});

const refreshToken = z.string().min(1).max(200);
const unauthorized = (codes: string) => ({ description: codes, schema: z.unknown() });

export const logInRoute = defineRoute({
  operationId: 'logIn',
  method: 'post',
  path: '/auth/login',
  summary: 'Logs in with email and password',
  tags: ['auth'],
  // A buyer who cannot log in cannot check out: logins are never shed.
  priority: 'essential',
  body: z.strictObject({
    email: z.string().max(254).transform(normalizeEmail),
    password: z.string().max(passwordMaxLength),
  }),
  response: session,
  otherResponses: {
    401: unauthorized('invalid_credentials: unknown email or wrong password (not told apart)'),
    429: unauthorized('login_locked: too many failures for the account or the client; see Retry-After'),
  },
  maxBodyBytes: 2 * 1024,
});

export const refreshRoute = defineRoute({
  operationId: 'refreshSession',
  method: 'post',
  path: '/auth/refresh',
  summary: 'Exchanges a refresh token for new tokens; a reused refresh token ends its login',
  tags: ['auth'],
  priority: 'essential',
  body: z.strictObject({ refreshToken }),
  response: session,
  otherResponses: {
    401: unauthorized('invalid_refresh_token, or refresh_token_reused (the login is ended)'),
  },
  maxBodyBytes: 2 * 1024,
});

export const logOutRoute = defineRoute({
  operationId: 'logOut',
  method: 'post',
  path: '/auth/logout',
  summary: 'Ends the login the refresh token belongs to',
  tags: ['auth'],
  priority: 'essential',
  body: z.strictObject({ refreshToken }),
  response: z.undefined(),
  successStatus: 204,
  maxBodyBytes: 2 * 1024,
});

export const authRoutes = [logInRoute, refreshRoute, logOutRoute];
