/**
 * The one middleware stack of every HTTP function. A handler file holds business logic only:
 *
 *   export const handler = httpHandler(getOfferRoute, async ({ params }) => findOffer(params.offerId));
 *
 * The stack adds, in order: Lambda context and the request id on every log line, CORS, the JSON
 * error shape, JSON serialization with the request id, header normalization, load shedding (503
 * while the platform is overloaded, by the route's priority), the caller's access token (when the
 * route has `auth`), the caller's rate limit (429), the body size limit (checked before parsing),
 * JSON parsing and validation of params, query and body against the route's schemas. Middy runs
 * `after`/`onError` in reverse, so the error shape and CORS apply to every answer, including a
 * rejection by a later middleware.
 *
 * Shedding comes first, so a refused request costs no token check and no round trip to Redis; the
 * rate limit comes after authenticate, which names the member a request counts against, and before
 * anything reads the body.
 *
 * A route anyone may call is served by `httpHandler`; a route with `auth` by
 * `authenticatedHttpHandler` (./authenticated-handler), the only module that loads the token
 * verifier, so a function without callers to verify neither bundles nor loads it.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpCors from '@middy/http-cors';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import { logger } from '../logger';
import { bodyLimit } from './middleware/body-limit';
import { errorResponse } from './middleware/error-response';
import { jsonResponse } from './middleware/json-response';
import { loadShedding } from './middleware/load-shedding';
import { rateLimit } from './middleware/rate-limit';
import { requestId } from './middleware/request-id';
import type { HttpEvent, HttpMiddleware } from './middleware/types';
import { validateInput } from './middleware/validate-input';
import type { HttpResponse } from './response';
import { type AuthRequirement, type CallerOf, defaultMaxBodyBytes, type Route } from './route';

export interface RouteInput<Params, Query, Body, Caller = CallerOf<undefined>> {
  params: Params;
  query: Query;
  body: Body;
  /** The headers the route's `headers` schema names, validated (lower-case names). */
  headers: Record<string, string | undefined>;
  /** Who is calling, from the verified access token (see the route's `auth`). */
  caller: Caller;
}

export type RouteLogic<
  Params extends z.ZodType,
  Query extends z.ZodType,
  Body extends z.ZodType,
  Res extends z.ZodType,
  Auth extends AuthRequirement | undefined = undefined,
> = (
  input: RouteInput<z.output<Params>, z.output<Query>, z.output<Body>, CallerOf<Auth>>,
  event: HttpEvent,
  context: Context,
) => Promise<z.input<Res> | HttpResponse>;

/** The Lambda handler for a route anyone may call: the shared middleware stack around its logic. */
export function httpHandler<
  Params extends z.ZodType,
  Query extends z.ZodType,
  Body extends z.ZodType,
  Res extends z.ZodType,
>(route: Route<Params, Query, Body, Res, undefined>, logic: RouteLogic<Params, Query, Body, Res, undefined>) {
  // The types already refuse such a route; this keeps a cast from serving it without a token check.
  if (route.auth !== undefined) {
    throw new Error(`${route.operationId} has auth: serve it with authenticatedHttpHandler`);
  }
  return handlerStack(route, logic);
}

/**
 * The middleware stack of both handlers around a route's logic, with `authentication` (which puts
 * the verified caller on the event) between load shedding and the rate limit.
 */
export function handlerStack<
  Params extends z.ZodType,
  Query extends z.ZodType,
  Body extends z.ZodType,
  Res extends z.ZodType,
  Auth extends AuthRequirement | undefined,
>(
  route: Route<Params, Query, Body, Res, Auth>,
  logic: RouteLogic<Params, Query, Body, Res, Auth>,
  authentication?: HttpMiddleware,
) {
  const stack = middy<HttpEvent, APIGatewayProxyResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(requestId(logger))
    .use(httpCors({ origins: ['*'], exposeHeaders: 'x-request-id, retry-after' }))
    .use(errorResponse(logger))
    .use(jsonResponse(route.successStatus ?? 200))
    .use(httpHeaderNormalizer())
    .use(loadShedding(route));
  if (authentication) stack.use(authentication);
  return stack
    .use(rateLimit(route))
    .use(bodyLimit(route.maxBodyBytes ?? defaultMaxBodyBytes))
    .use(validateInput(route))
    .handler(async (event, context) => {
      // validate-input parsed these with the route's own schemas, so they have the schemas' types.
      const input = { ...event.validated, caller: event.caller } as unknown as RouteInput<
        z.output<Params>,
        z.output<Query>,
        z.output<Body>,
        CallerOf<Auth>
      >;
      // The json-response middleware turns whatever the logic returns into the gateway's shape.
      return (await logic(input, event, context)) as unknown as APIGatewayProxyResult;
    });
}
