/**
 * A route is the contract of one HTTP endpoint: method, path and the zod schemas of its input and
 * output. The handler validates against it and the OpenAPI document is generated from it, so an
 * endpoint is described exactly once.
 */
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Route<
  Params extends z.ZodType = z.ZodType,
  Query extends z.ZodType = z.ZodType,
  Body extends z.ZodType = z.ZodType,
  Response extends z.ZodType = z.ZodType,
> {
  operationId: string;
  method: HttpMethod;
  /** API Gateway path syntax, e.g. `/groups/{groupId}/offers`. */
  path: string;
  summary: string;
  tags: string[];
  params?: Params;
  query?: Query;
  body?: Body;
  response: Response;
  /** Status of a successful answer (default 200). */
  successStatus?: number;
  /** Other statuses the endpoint answers with, besides the error statuses every route has. */
  otherResponses?: Record<number, { description: string; schema: z.ZodType }>;
  /** Largest accepted body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
}

/** Returns the route unchanged, with its schema types inferred. */
export function defineRoute<
  Params extends z.ZodType,
  Query extends z.ZodType,
  Body extends z.ZodType,
  Response extends z.ZodType,
>(route: Route<Params, Query, Body, Response>): Route<Params, Query, Body, Response> {
  return route;
}

export const defaultMaxBodyBytes = 64 * 1024;
