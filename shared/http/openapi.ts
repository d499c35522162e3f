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

const commonErrors: Record<number, string> = {
  400: 'Malformed JSON or input that does not match the schema',
  413: 'Body larger than the endpoint accepts',
  415: 'Body not sent as application/json',
  500: 'Unexpected failure; nothing about it is revealed',
};

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

/** The OpenAPI 3.1 document of the routes, with the common error responses on every operation. */
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
    const authErrors: Record<number, string> = Array.isArray(route.auth)
      ? {
          401: 'No valid access token (missing, expired, tampered or for another audience)',
          403: `The caller has none of the roles: ${route.auth.join(', ')}`,
        }
      : {};
    const errors = asErrors(
      Object.fromEntries(
        Object.entries({ ...commonErrors, ...authErrors }).filter(
          ([status]) => route.body !== undefined || (status !== '413' && status !== '415'),
        ),
      ),
    );
    // What the protections of shared/http answer; a route's own description of a status wins.
    const protections: Record<number, string> = {};
    if (route.rateLimit !== false) {
      protections[429] = 'too_many_requests: the client used up its rate limit; see Retry-After';
    }
    if ((route.priority ?? defaultPriority) !== 'essential') {
      protections[503] = 'overloaded: shed while the platform is under a traffic spike; see Retry-After';
    }
    // A route's own answer with a status a protection also answers (health's 503) documents both.
    const others = Object.fromEntries(
      Object.entries(route.otherResponses ?? {}).map(([status, response]) => {
        const protection = protections[Number(status)];
        const schema = protection ? z.union([response.schema, errorSchema]) : response.schema;
        const description = protection ? `${response.description}; or ${protection}` : response.description;
        return [status, { description, content: { 'application/json': { schema } } }];
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
        ...asErrors(protections),
        ...others,
        ...errors,
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { ...info },
  });
}
