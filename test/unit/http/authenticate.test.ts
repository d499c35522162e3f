/** The auth middleware of the shared stack: who gets through to a route's logic. */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod';
import { issueAccessToken } from '../../../shared/auth';
import { defineRoute } from '../../../shared/http';
import { authenticatedHttpHandler } from '../../../shared/http/authenticated-handler';
import { gatewayEvent } from '../../support/http-event';

const sellerRoute = defineRoute({
  operationId: 'putThing',
  method: 'put',
  path: '/things',
  summary: 'test route for sellers',
  tags: ['test'],
  auth: ['seller'],
  body: z.strictObject({ name: z.string() }),
  response: z.object({ memberId: z.string() }),
});

const openRoute = defineRoute({
  operationId: 'getThings',
  method: 'get',
  path: '/things',
  summary: 'test route for anyone',
  tags: ['test'],
  auth: 'optional',
  response: z.object({ memberId: z.string().nullable() }),
});

let reached = 0;
const sellerHandler = authenticatedHttpHandler(sellerRoute, async ({ caller }) => {
  reached += 1;
  return { memberId: caller.memberId };
});
const openHandler = authenticatedHttpHandler(openRoute, async ({ caller }) => ({
  memberId: caller?.memberId ?? null,
}));

const context = {
  awsRequestId: 'r',
  functionName: 'test',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

function event(headers: Record<string, string>, body: string | null = '{"name":"x"}'): APIGatewayProxyEvent {
  return gatewayEvent({
    httpMethod: 'PUT',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
    requestId: 'gateway-request',
  });
}

async function call(handler: typeof sellerHandler | typeof openHandler, e: APIGatewayProxyEvent) {
  const response = (await handler(e, context)) as APIGatewayProxyResult;
  return { status: response.statusCode, headers: response.headers ?? {}, json: JSON.parse(response.body) };
}

const bearer = async (memberId: string, roles: ('member' | 'seller' | 'admin')[]) =>
  `Bearer ${(await issueAccessToken({ memberId, roles })).token}`;

beforeAll(() => {
  process.env.JWT_SIGNING_KEY = randomBytes(32).toString('base64url');
});

describe('authenticate', () => {
  it('passes the verified caller to the logic', async () => {
    const response = await call(
      sellerHandler,
      event({ Authorization: await bearer('m-7', ['member', 'seller']) }),
    );
    expect(response).toMatchObject({ status: 200, json: { memberId: 'm-7' } });
  });

  it('answers 401 without a usable token and 403 without the role, before the body is read', async () => {
    reached = 0;
    const cases: [Record<string, string>, number][] = [
      [{}, 401],
      [{ Authorization: 'Basic dXNlcjpwYXNz' }, 401],
      [{ Authorization: 'Bearer not-a-token' }, 401],
      [{ Authorization: await bearer('m-8', ['member']) }, 403],
    ];
    for (const [headers, status] of cases) {
      const response = await call(sellerHandler, event(headers, '{malformed'));
      expect(response.status).toBe(status);
      expect(response.json.error.code).toBe(status === 401 ? 'unauthorized' : 'forbidden');
      if (status === 401) expect(response.headers['WWW-Authenticate']).toBe('Bearer');
    }
    expect(reached).toBe(0);
  });

  it('treats a missing or unusable token on an open route as an anonymous caller', async () => {
    const get = (headers: Record<string, string>) =>
      call(openHandler, { ...event(headers, null), httpMethod: 'GET' });
    expect((await get({})).json).toEqual({ memberId: null });
    expect((await get({ Authorization: 'Bearer expired.or.forged' })).json).toEqual({ memberId: null });
    expect((await get({ Authorization: await bearer('m-9', ['member']) })).json).toEqual({ memberId: 'm-9' });
  });
});
