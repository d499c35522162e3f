/**
 * The OpenAPI 3.1 document, generated from the same route definitions the handlers validate with.
 * Imported by platform-openapi alone (not re-exported by shared/http): zod-to-openapi and the
 * `.openapi()` method it adds to zod stay out of every other function.
 */
import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import { defaultPriority } from '../domain/traffic';
import type { Route } from './route';

// Named schemas (components) need the `.openapi()` method this adds to zod's ZodType, the one
// member of the namespace it touches. Handing it the whole namespace would bundle all of zod.
extendZodWithOpenApi({ ZodType: z.ZodType } as typeof z);

const errorSchema = z.object({
  error: z.object({
    code: z.string().describe('Machine-readable error code, e.g. validation_failed'),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  }),
});

/** What every operation may answer, from shared/http or from API Gateway in front of it. */
const commonErrors: Record<number, string> = {
  400: 'validation_failed or malformed_json: input that does not match the schema, or not JSON',
  413: 'payload_too_large: body larger than the endpoint accepts (API Gateway refuses any over 10 MB)',
  500: 'internal_error: unexpected failure; nothing about it is revealed',
  502: 'internal_error: the function failed before answering (API Gateway)',
  504: 'internal_error: the function did not answer within the integration timeout (API Gateway)',
};

/** A zod schema's children, for walking it (zod 4's definitions; the wrappers shared/http uses). */
function childrenOf(schema: z.ZodType): z.ZodType[] {
  const def = schema._zod.def as unknown as Record<string, unknown>;
  const children: unknown[] = [
    def.innerType,
    def.in,
    def.out,
    def.element,
    def.left,
    def.right,
    def.valueType,
  ];
  if (def.shape) children.push(...Object.values(def.shape as Record<string, unknown>));
  if (Array.isArray(def.options)) children.push(...def.options);
  if (Array.isArray(def.items)) children.push(...def.items);
  return children.filter((child): child is z.ZodType => child instanceof z.ZodType);
}

/**
 * Whether a schema (or a part of it) has a refinement: a rule in code that JSON Schema cannot
 * state, which validate-input answers with 422 rule_violated.
 */
function hasRefinement(schema: z.ZodType | undefined): boolean {
  if (!schema) return false;
  const checks = (schema._zod.def.checks ?? []) as Array<{ _zod: { def: { check: string } } }>;
  return checks.some((check) => check._zod.def.check === 'custom') || childrenOf(schema).some(hasRefinement);
}

/** The statuses the shared layers answer for a route, by status, with their descriptions. */
export function sharedErrors(route: Route): Record<number, string> {
  const errors: Record<number, string> = {
    ...commonErrors,
    429:
      route.rateLimit === false
        ? 'too_many_requests: API Gateway throttled the function (no per-client limit here); see Retry-After'
        : 'too_many_requests: the client used up its rate limit, or API Gateway throttled the function; see Retry-After',
  };
  if (route.body !== undefined) errors[415] = 'unsupported_media_type: body not sent as application/json';
  if (Array.isArray(route.auth)) {
    errors[401] = 'unauthorized: no valid access token (missing, expired, tampered or for another audience)';
    errors[403] = `forbidden: the caller has none of the roles ${route.auth.join(', ')}`;
  }
  if (route.params !== undefined && route.notFound !== false) {
    errors[404] = 'not_found: nothing by that id (or nothing the caller may see)';
  }
  if ([route.params, route.query, route.headers, route.body].some(hasRefinement)) {
    errors[422] = 'rule_violated: the input matches the schema but breaks a rule its descriptions state';
  }
  if ((route.priority ?? defaultPriority) !== 'essential') {
    errors[503] = 'overloaded: shed while the platform is under a traffic spike; see Retry-After';
  }
  return errors;
}

/** Responses in the shared error shape, from their descriptions by status. */
const asErrors = (descriptions: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(descriptions).map(([status, description]) => [
      status,
      { description, content: { 'application/json': { schema: errorSchema } } },
    ]),
  );

export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

/** The OpenAPI 3.1 document of the routes, with the statuses of the shared layers on every operation. */
export function openApiDocument(routes: readonly Route[], info: ApiInfo) {
  const registry = new OpenAPIRegistry();
  registry.register('Error', errorSchema);
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from POST /auth/login',
  });
  for (const route of routes) {
    const shared = sharedErrors(route);
    // A status both declare: either schema (a shared layer answers in the error shape), both descriptions.
    const others = Object.fromEntries(
      Object.entries(route.otherResponses ?? {}).map(([status, response]) => {
        const common = shared[Number(status)];
        const schema = common ? z.union([response.schema, errorSchema]) : response.schema;
        return [
          status,
          {
            description: [common, response.description].filter(Boolean).join('; '),
            content: { 'application/json': { schema } },
          },
        ];
      }),
    );
    registry.registerPath({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      ...(route.auth && {
        // An optional token: anonymous ({}) or a bearer token.
        security: route.auth === 'optional' ? [{}, { bearer: [] }] : [{ bearer: [] }],
      }),
      request: {
        params: route.params as z.ZodObject | undefined,
        query: route.query as z.ZodObject | undefined,
        headers: route.headers,
        body: route.body
          ? { required: true, content: { 'application/json': { schema: route.body } } }
          : undefined,
      },
      responses: {
        [route.successStatus ?? 200]: {
          description: route.summary,
          // 204 No Content has no body to describe.
          ...(route.successStatus !== 204 && { content: { 'application/json': { schema: route.response } } }),
        },
        ...asErrors(shared),
        ...others,
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { ...info },
  });
}
