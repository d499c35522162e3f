/** The shared HTTP middleware stack, invoked as API Gateway invokes a function. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod';
import {
  ConflictError,
  defineRoute,
  httpHandler,
  type Route,
  respond,
  TooManyRequestsError,
} from '../../../shared/http';
import { authenticatedHttpHandler } from '../../../shared/http/authenticated-handler';

const route = defineRoute({
  operationId: 'placeOffer',
  method: 'post',
  path: '/groups/{groupId}/offers',
  summary: 'test route',
  tags: ['test'],
  params: z.strictObject({ groupId: z.string().min(1) }),
  query: z.strictObject({ dryRun: z.enum(['true', 'false']).optional() }),
  body: z.strictObject({ price: z.int().nonnegative(), title: z.string().max(20) }),
  response: z.object({ groupId: z.string(), price: z.number() }),
  successStatus: 201,
  maxBodyBytes: 1024,
});

const handler = httpHandler(route, async ({ params, body }) => {
  if (body.title === 'conflict') throw new ConflictError('offer_exists', 'This offer already exists');
  if (body.title === 'busy') throw new TooManyRequestsError(7);
  if (body.title === 'crash') throw new Error('database password is hunter2');
  if (body.title === 'accepted') return respond(202, { groupId: params.groupId, price: body.price });
  return { groupId: params.groupId, price: body.price };
});

const context = {
  awsRequestId: 'lambda-request',
  functionName: 'test',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/groups/g1/offers',
    resource: '/groups/{groupId}/offers',
    headers: { 'Content-Type': 'application/json', Origin: 'https://shop.example' },
    multiValueHeaders: {},
    pathParameters: { groupId: 'g1' },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: JSON.stringify({ price: 12_000, title: 'shoes' }),
    requestContext: { requestId: 'gateway-request' } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

async function invoke(overrides: Partial<APIGatewayProxyEvent> = {}) {
  const response = (await handler(event(overrides), context)) as APIGatewayProxyResult;
  return { ...response, json: JSON.parse(response.body || 'null') };
}

describe('httpHandler', () => {
  it('answers with the route success status, JSON, the request id and CORS headers', async () => {
    const response = await invoke();
    expect(response.statusCode).toBe(201);
    expect(response.json).toEqual({ groupId: 'g1', price: 12_000 });
    expect(response.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': 'gateway-request',
      'Access-Control-Allow-Origin': '*',
    });
  });

  it('lets the logic choose another status', async () => {
    const response = await invoke({ body: JSON.stringify({ price: 1, title: 'accepted' }) });
    expect(response.statusCode).toBe(202);
  });

  it('rejects malformed JSON with 400 malformed_json', async () => {
    const response = await invoke({ body: '{"price": 12' });
    expect(response.statusCode).toBe(400);
    expect(response.json.error).toEqual({
      code: 'malformed_json',
      message: expect.any(String),
      requestId: 'gateway-request',
    });
  });

  it('rejects a body that is not JSON with 415', async () => {
    const response = await invoke({ headers: { 'Content-Type': 'text/plain' } });
    expect(response.statusCode).toBe(415);
    expect(response.json.error.code).toBe('unsupported_media_type');
  });

  it('rejects a body over the limit with 413 before parsing it', async () => {
    // Unterminated JSON: parsing it first would answer 400 malformed_json.
    const response = await invoke({ body: `{"title": "${'x'.repeat(2_000)}` });
    expect(response.statusCode).toBe(413);
    expect(response.json.error.code).toBe('payload_too_large');
  });

  it('counts the limit in bytes, not characters', async () => {
    // 400 three-byte characters: within 1,024 characters, over 1,024 bytes.
    const response = await invoke({ body: JSON.stringify({ price: 1, title: '가'.repeat(400) }) });
    expect(response.statusCode).toBe(413);
  });

  it('reads a base64-encoded body, as API Gateway passes binary media types', async () => {
    const body = Buffer.from(JSON.stringify({ price: 5, title: 'socks' })).toString('base64');
    const response = await invoke({ body, isBase64Encoded: true });
    expect(response.statusCode).toBe(201);
    expect(response.json).toEqual({ groupId: 'g1', price: 5 });
  });

  it('accepts JSON media types with parameters, whatever the header case', async () => {
    const response = await invoke({ headers: { 'CONTENT-TYPE': 'application/json; charset=utf-8' } });
    expect(response.statusCode).toBe(201);
  });

  it('reports every schema problem at once: wrong types, unknown fields, bad query', async () => {
    const response = await invoke({
      body: JSON.stringify({ price: '12000', title: 'shoes', sellerNote: 'hi' }),
      queryStringParameters: { dryRun: 'maybe' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('validation_failed');
    const paths = response.json.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['query.dryRun', 'body.price', 'body']));
  });

  it('rejects a missing body as a validation failure', async () => {
    const response = await invoke({ body: null });
    expect(response.statusCode).toBe(400);
    expect(response.json.error.code).toBe('validation_failed');
  });

  it('turns an ApiError into its status and code, with its headers', async () => {
    const conflict = await invoke({ body: JSON.stringify({ price: 1, title: 'conflict' }) });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json.error.code).toBe('offer_exists');
    const busy = await invoke({ body: JSON.stringify({ price: 1, title: 'busy' }) });
    expect(busy.statusCode).toBe(429);
    expect(busy.headers?.['Retry-After']).toBe('7');
  });

  it('hides the cause of an unexpected error behind 500 internal_error', async () => {
    const response = await invoke({ body: JSON.stringify({ price: 1, title: 'crash' }) });
    expect(response.statusCode).toBe(500);
    expect(response.json.error).toEqual({
      code: 'internal_error',
      message: expect.any(String),
      requestId: 'gateway-request',
    });
    expect(response.body).not.toContain('hunter2');
  });

  it('never serves a route with auth without checking its token, nor one without auth with it', () => {
    // Only a cast gets past the types; the stack then refuses to be built.
    const sellerRoute = { ...route, auth: ['seller'] } as Route as typeof route;
    expect(() => httpHandler(sellerRoute, async () => ({ groupId: 'g1', price: 1 }))).toThrow(
      /placeOffer has auth/,
    );
    const openRoute = route as unknown as Route<z.ZodType, z.ZodType, z.ZodType, z.ZodType, ['seller']>;
    expect(() => authenticatedHttpHandler(openRoute, async () => ({}))).toThrow(/placeOffer has no auth/);
  });
});
