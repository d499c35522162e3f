/** Contracts of the platform endpoints. */
import * as z from 'zod';
import { defineRoute } from '../../shared/http';

const dependencyHealth = z.object({
  status: z.enum(['up', 'down']),
  endpoint: z.string().describe('host:port the function talks to'),
  latencyMs: z.number().describe('Round trip of one request to the dependency'),
  error: z.string().optional(),
});

export const healthReport = z.object({
  status: z.enum(['up', 'down']).describe('up when Redis, Kafka and DynamoDB all answer'),
  dependencies: z
    .object({ redis: dependencyHealth, kafka: dependencyHealth, dynamodb: dependencyHealth })
    .optional()
    .describe('Each dependency with its endpoint, latency and error: for a caller with an admin token only'),
});

export const healthRoute = defineRoute({
  operationId: 'getHealth',
  method: 'get',
  path: '/health',
  summary: 'Whether the platform is up; with an admin token, each dependency with its endpoint and latency',
  tags: ['platform'],
  // Anyone may ask whether the platform is up; only admins learn its hosts and errors. Rate-limited
  // and shed like any standard route: a flood of probes must not cost the shop.
  auth: 'optional',
  response: healthReport,
  otherResponses: { 503: { description: 'At least one dependency is down', schema: healthReport } },
});

export const openApiRoute = defineRoute({
  operationId: 'getOpenApiDocument',
  method: 'get',
  path: '/openapi.json',
  summary: 'This OpenAPI 3.1 document',
  tags: ['platform'],
  response: z.unknown().describe('An OpenAPI 3.1 document'),
});

export const platformRoutes = [healthRoute, openApiRoute];
