import { InvalidTokenError, verifyAccessToken } from '../../auth';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { AuthRequirement } from '../route';
import type { HttpEvent, HttpMiddleware } from './types';

const bearer = /^Bearer +([A-Za-z0-9_.~+/=-]+) *$/i;

function bearerToken(event: HttpEvent): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  if (header === undefined) return undefined;
  const match = bearer.exec(header);
  if (!match?.[1]) throw new UnauthorizedError('The Authorization header must be "Bearer <access token>"');
  return match[1];
}

/**
 * Puts the verified caller on the event before the body is even looked at. A route with roles
 * answers 401 `unauthorized` without a valid token (missing, malformed, tampered, expired, other
 * issuer or audience, `alg: none`) and 403 `forbidden` when the caller has none of its roles.
 */
export function authenticate(requirement: AuthRequirement): HttpMiddleware {
  return {
    before: async ({ event }) => {
      if (requirement === 'optional') {
        try {
          const token = bearerToken(event);
          if (token) event.caller = await verifyAccessToken(token);
        } catch {
          // An unusable token on an open route makes an anonymous caller, not a failed request.
        }
        return;
      }
      const token = bearerToken(event);
      if (!token) throw new UnauthorizedError();
      try {
        event.caller = await verifyAccessToken(token);
      } catch (error) {
        if (error instanceof InvalidTokenError) throw new UnauthorizedError(error.message);
        throw error;
      }
      if (!requirement.some((role) => event.caller?.roles.includes(role))) {
        throw new ForbiddenError(`This endpoint is for: ${requirement.join(', ')}`);
      }
    },
  };
}
