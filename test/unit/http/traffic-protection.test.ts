/**
 * Rate limits and load shedding in the shared stack, invoked as API Gateway invokes a function.
 * No Redis here: buckets are this process's own (the fallback), pressure is this process's.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod';
import { issueAccessToken } from '../../../shared/auth';
import { anonymousPolicy, pressureThresholds } from '../../../shared/domain/traffic';
import { defineRoute, type Route } from '../../../shared/http';
import { authenticatedHttpHandler } from '../../../shared/http/authenticated-handler';
import { currentPressure } from '../../../shared/http/middleware/pressure';
import { clientOf } from '../../../shared/http/middleware/rate-limit';
import type { HttpEvent } from '../../../shared/http/middleware/types';
import { gatewayEvent } from '../../support/http-event';

const context = {
  awsRequestId: 'lambda-request',
  functionName: 'test',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

function event(sourceIp: string | undefined, overrides: Partial<APIGatewayProxyEvent> = {}): HttpEvent {
  return gatewayEvent({
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'x' }),
    requestId: 'gateway-request',
    sourceIp,
    ...overrides,
  });
}

const route = (operationId: string, extra: Pick<Route, 'priority' | 'rateLimit'> = {}) =>
  defineRoute({
    operationId,
    method: 'post',
    path: '/things',
    summary: 'test route',
    tags: ['test'],
    auth: 'optional',
    body: z.strictObject({ name: z.string() }),
    response: z.object({ name: z.string() }),
    ...extra,
  });

const echo = async ({ body }: { body: { name: string } }) => ({ name: body.name });

async function invoke(handler: ReturnType<typeof authenticatedHttpHandler>, e: HttpEvent) {
  const response = (await handler(e, context)) as APIGatewayProxyResult;
  return { ...response, json: JSON.parse(response.body || 'null') };
}

let addresses = 0;
/** A fresh address per request or test: buckets outlive a test in this process. */
function freshIp(): string {
  addresses += 1;
  return `10.0.${Math.floor(addresses / 256)}.${addresses % 256}`;
}

beforeAll(() => {
  process.env.JWT_SIGNING_KEY = randomBytes(32).toString('base64url');
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('the client a request counts against', () => {
  it('is the member the verified token names', () => {
    const e = { ...event('203.0.113.1'), caller: { memberId: 'm-1', roles: ['member' as const] } };
    expect(clientOf(e)).toEqual({ clientClass: 'internal', id: 'm-1' });
  });

  it('is the source IP without a caller, and one unknown address without an IP', () => {
    expect(clientOf(event('203.0.113.1'))).toEqual({ clientClass: 'anonymous', id: '203.0.113.1' });
    expect(clientOf(event(undefined))).toEqual({ clientClass: 'anonymous', id: 'unknown' });
  });
});

describe('rate limiting in the stack', () => {
  const limited = authenticatedHttpHandler(route('limited'), echo);
  const unlimited = authenticatedHttpHandler(route('unlimited', { rateLimit: false }), echo);

  /** Sends the whole anonymous burst at one frozen instant, so nothing refills meanwhile. */
  async function spend(ip: string, handler = limited): Promise<number[]> {
    jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    const statuses: number[] = [];
    for (let n = 0; n < anonymousPolicy.burst; n += 1)
      statuses.push((await invoke(handler, event(ip))).statusCode);
    return statuses;
  }

  it('answers 429 too_many_requests with Retry-After once the burst is spent, before the body is parsed', async () => {
    const ip = freshIp();
    expect(new Set(await spend(ip))).toEqual(new Set([200]));
    // Unterminated JSON: had the body been parsed first, this would be 400 malformed_json.
    const refused = await invoke(limited, event(ip, { body: '{"name": ' }));
    expect(refused.statusCode).toBe(429);
    expect(refused.json.error).toEqual({
      code: 'too_many_requests',
      message: expect.any(String),
      requestId: 'gateway-request',
    });
    expect(Number(refused.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers?.['Access-Control-Allow-Origin']).toBe('*');

    const otherAddress = await invoke(limited, event(freshIp(), { body: '{"name": ' }));
    expect(otherAddress.json.error.code).toBe('malformed_json');
  });

  it('counts a signed-in member by member id, not by the address they share', async () => {
    const ip = freshIp();
    await spend(ip);
    const { token } = await issueAccessToken({ memberId: `m-${ip}`, roles: ['member'] });
    const member = await invoke(
      limited,
      event(ip, { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } }),
    );
    expect(member.statusCode).toBe(200);
    expect((await invoke(limited, event(ip))).statusCode).toBe(429);
  });

  it('leaves a route with rateLimit: false alone', async () => {
    const ip = freshIp();
    await spend(ip, unlimited);
    expect((await invoke(unlimited, event(ip))).statusCode).toBe(200);
  });
});

describe('load shedding in the stack', () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Holds its requests open until released: the in-flight load of a busy process.
  const slow = authenticatedHttpHandler(route('slow', { rateLimit: false }), async ({ body }) => {
    await held;
    return { name: body.name };
  });
  const probes = {
    optional: authenticatedHttpHandler(
      route('optionalWork', { priority: 'optional', rateLimit: false }),
      echo,
    ),
    standard: authenticatedHttpHandler(route('standardWork', { rateLimit: false }), echo),
    essential: authenticatedHttpHandler(
      route('essentialWork', { priority: 'essential', rateLimit: false }),
      echo,
    ),
  };
  const failing = authenticatedHttpHandler(route('failing', { rateLimit: false }), async () => {
    throw new Error('boom');
  });

  async function statusesAt(inFlight: number): Promise<Record<keyof typeof probes, number>> {
    const before = currentPressure().inFlight;
    const requests: Promise<unknown>[] = [];
    for (let n = before; n < inFlight; n += 1) requests.push(invoke(slow, event(freshIp())));
    await new Promise((resolve) => setImmediate(resolve));
    expect(currentPressure().inFlight).toBe(inFlight);
    const [optional, standard, essential] = await Promise.all(
      [probes.optional, probes.standard, probes.essential].map(async (probe) =>
        invoke(probe, event(freshIp())),
      ),
    );
    const statuses = {
      optional: optional?.statusCode ?? 0,
      standard: standard?.statusCode ?? 0,
      essential: essential?.statusCode ?? 0,
    };
    if (optional?.statusCode === 503) {
      expect(optional.json.error).toEqual({
        code: 'overloaded',
        message: expect.any(String),
        requestId: 'gateway-request',
      });
      expect(optional.headers?.['Retry-After']).toBe('1');
    }
    return statuses;
  }

  afterAll(() => {
    release();
  });

  it('sheds nothing while the process is calm', async () => {
    expect(await statusesAt(0)).toEqual({ optional: 200, standard: 200, essential: 200 });
  });

  it('sheds optional work with 503 overloaded at level 1', async () => {
    expect(await statusesAt(pressureThresholds.inFlight[0])).toEqual({
      optional: 503,
      standard: 200,
      essential: 200,
    });
  });

  it('sheds standard work too at level 2, never essential work', async () => {
    expect(await statusesAt(pressureThresholds.inFlight[1])).toEqual({
      optional: 503,
      standard: 503,
      essential: 200,
    });
  });

  it('stops counting a request once it is answered, whatever the answer', async () => {
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(currentPressure().inFlight).toBe(0);
    expect((await invoke(failing, event(freshIp()))).statusCode).toBe(500);
    expect((await invoke(probes.standard, event(freshIp(), { body: '{' }))).statusCode).toBe(400);
    expect(currentPressure().inFlight).toBe(0);
    expect((await invoke(probes.optional, event(freshIp()))).statusCode).toBe(200);
  });
});
