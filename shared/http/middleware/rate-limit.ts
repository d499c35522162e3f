import { optionalEnv } from '../../config/env';
import { type ClassPolicies, type Client, classifyClient, policiesFrom } from '../../domain/traffic';
import { takeClientToken } from '../../redis/token-bucket';
import { TooManyRequestsError } from '../errors';
import type { Route } from '../route';
import type { HttpEvent, HttpMiddleware } from './types';

/** Who a request counts against: the member authenticate() verified, else the source IP. */
export function clientOf(event: HttpEvent): Client {
  return classifyClient(event.caller?.memberId, event.requestContext?.identity?.sourceIp);
}

/**
 * Takes one token from the caller's bucket (shared/domain/traffic.ts) and answers 429
 * `too_many_requests` with Retry-After once it is empty, after the caller is known and before the
 * body is read. A route with `rateLimit: false` is not limited here.
 */
export function rateLimit(route: Pick<Route, 'rateLimit'>, given?: ClassPolicies): HttpMiddleware {
  let policies = given;
  return {
    before: async ({ event }) => {
      if (route.rateLimit === false) return;
      policies ??= policiesFrom(optionalEnv('RATE_LIMITS'));
      const client = clientOf(event);
      const policy = client.clientClass === 'internal' ? policies.internal : policies.anonymous;
      const decision = await takeClientToken(client, policy);
      if (!decision.allowed) throw new TooManyRequestsError(decision.retryAfterSeconds);
    },
  };
}
