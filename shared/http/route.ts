/**
 * A route is the contract of one HTTP endpoint: method, path and the zod schemas of its input and
 * output. The handler validates against it and the OpenAPI document is generated from it, so an
 * endpoint is described exactly once.
 */
import type { z } from 'zod';
import type { Caller, Role } from '../domain/member';
import type { Priority } from '../domain/traffic';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route: the roles of which the caller needs one (a valid bearer token is
 * required), or `optional` (a valid token names the caller, anything else is anonymous).
 */
export type AuthRequirement = readonly Role[] | 'optional';

/** The caller a route's logic receives: always present when the route requires roles. */
export type CallerOf<Auth> = Auth extends readonly Role[] ? Caller : Caller | undefined;

export interface Route<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
  Response extends z.ZodType = z.ZodType,
  Auth extends AuthRequirement | undefined = AuthRequirement | undefined,
> {
  operationId: string;
  method: HttpMethod;
  /** API Gateway path syntax, e.g. `/groups/{groupId}/offers`. */
  path: string;
  summary: string;
  tags: string[];
  params?: Params;
  query?: Query;
  /**
   * Request headers the endpoint reads, by lower-case name (as http-header-normalizer passes them);
   * headers it does not name pass unchecked.
   */
  headers?: z.ZodObject;
  body?: Body;
  response: Response;
  /** Status of a successful answer (default 200). */
  successStatus?: number;
  /**
   * Other statuses the endpoint answers with, besides those the shared layers add (./openapi:
   * validation, limits, auth, protections, the gateway's, and 404 for a route with path params).
   */
  otherResponses?: Record<number, { description: string; schema: z.ZodType }>;
  /**
   * `false` for a route with path parameters that never answers 404 (one that creates what it
   * names, or whose parameter is an enum). Default: a route with path parameters names something
   * that may not exist, and answers 404 `not_found` then.
   */
  notFound?: boolean;
  /** Largest accepted body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Omitted: anyone may call. */
  auth?: Auth;
  /**
   * How much the endpoint matters when the platform is overloaded (default `standard`): `optional`
   * is shed first, `standard` under heavy pressure, `essential` never (shared/domain/traffic.ts).
   */
  priority?: Priority;
  /**
   * `false`: the per-client rate limits do not apply, for an endpoint that limits its callers
   * itself (the partner API's quotas) or must always answer (health). Default: they apply.
   */
  rateLimit?: boolean;
}

/** Returns the route unchanged, with its schema types inferred. */
export function defineRoute<
  Params extends z.ZodType,
  Query extends z.ZodType,
  Body extends z.ZodType,
  Response extends z.ZodType,
  const Auth extends AuthRequirement | undefined = undefined,
>(route: Route<Params, Query, Body, Response, Auth>): Route<Params, Query, Body, Response, Auth> {
  return route;
}

export const defaultMaxBodyBytes = 64 * 1024;
