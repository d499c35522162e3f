/**
 * The Lambda handler for a route with `auth`: the stack of `httpHandler` (./handler) with the
 * caller's access token verified after load shedding. A module of its own, imported by the
 * handlers that need it and not re-exported by shared/http, so only functions that verify callers
 * bundle the token verifier.
 */
import type { z } from 'zod';
import { handlerStack, type RouteLogic } from './handler';
import { authenticate } from './middleware/authenticate';
import type { AuthRequirement, Route } from './route';

export function authenticatedHttpHandler<
  Params extends z.ZodType,
  Query extends z.ZodType,
  Body extends z.ZodType,
  Res extends z.ZodType,
  Auth extends AuthRequirement,
>(route: Route<Params, Query, Body, Res, Auth>, logic: RouteLogic<Params, Query, Body, Res, Auth>) {
  if (route.auth === undefined)
    throw new Error(`${route.operationId} has no auth: serve it with httpHandler`);
  return handlerStack(route, logic, authenticate(route.auth));
}
