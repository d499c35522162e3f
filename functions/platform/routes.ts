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
  status: z.enum(['up', 'down']),
  dependencies: z.object({ redis: dependencyHealth, kafka: dependencyHealth, dynamodb: dependencyHealth }),
});

export const healthRoute = defineRoute({
  operationId: 'getHealth',
  method: 'get',
  path: '/health',
  summary: 'Reachability and round-trip latency of Redis, Kafka and DynamoDB',
  tags: ['platform'],
  // A probe must always get an answer, whoever sends it and however often, under load too.
  rateLimit: false,
  priority: 'essential',
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
