/**
 * The essential count's Redis writes of the load-shedding middleware happen inside the invocation:
 * entered before the handler runs, left before the answer resolves, and a Redis that does not
 * answer delays the answer by the breaker's timeout at most. Redis is replaced by slow fakes here.
 */
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { z } from 'zod';
import { pressureThresholds } from '../../../shared/domain/traffic';
import { defineRoute, httpHandler } from '../../../shared/http';
import { refreshSharedLoad } from '../../../shared/http/middleware/pressure';
import { gatewayEvent } from '../../support/http-event';

const calls: string[] = [];
let hang = false;
let essentialEverywhere = 0;
const slowly = (what: string) =>
  new Promise<void>((resolve) => {
    calls.push(`${what} sent`);
    if (hang) return;
    setTimeout(() => {
      calls.push(`${what} done`);
      resolve();
    }, 10);
  });

jest.mock('../../../shared/redis/load', () => ({
  enterEssential: () => slowly('enter'),
  leaveEssential: () => slowly('leave'),
  essentialInFlight: async () => essentialEverywhere,
}));

const context = {
  awsRequestId: 'lambda-request',
  functionName: 'test',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

const optionalRoute = defineRoute({
  operationId: 'optionalThing',
  method: 'get',
  path: '/optional-thing',
  summary: 'test route',
  tags: ['test'],
  priority: 'optional',
  rateLimit: false,
  response: z.object({ ok: z.boolean() }),
});

const route = defineRoute({
  operationId: 'essentialThing',
  method: 'get',
  path: '/essential-thing',
  summary: 'test route',
  tags: ['test'],
  priority: 'essential',
  rateLimit: false,
  response: z.object({ ok: z.boolean() }),
});

const handler = httpHandler(route, async () => {
  calls.push('handler');
  return { ok: true };
});

const invoke = async () =>
  (await handler(gatewayEvent({ httpMethod: 'GET', requestId: 'r-1' }), context)) as APIGatewayProxyResult;

const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

beforeEach(() => {
  calls.length = 0;
  hang = false;
});

describe('the essential invocations running everywhere', () => {
  it('are read before the first request decides, not after it answered', async () => {
    essentialEverywhere = pressureThresholds.essentialInFlight[1];
    const optional = httpHandler(optionalRoute, async () => ({ ok: true }));
    const answer = (await optional(gatewayEvent({ requestId: 'r-0' }), context)) as APIGatewayProxyResult;
    expect(answer.statusCode).toBe(503);
    essentialEverywhere = 0;
    await refreshSharedLoad(performance.now() + 1_000);
    expect((await optional(gatewayEvent({ requestId: 'r-0' }), context)).statusCode).toBe(200);
  });
});

describe('the essential count of an essential route', () => {
  it('is entered before the handler and left before the answer resolves, leaving no timer', async () => {
    const before = timers();
    const answer = await invoke();
    expect(answer.statusCode).toBe(200);
    expect(calls).toEqual(['enter sent', 'enter done', 'handler', 'leave sent', 'leave done']);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('holds the answer up by no more than the breaker while Redis does not answer', async () => {
    hang = true;
    const started = performance.now();
    const answer = await invoke();
    expect(answer.statusCode).toBe(200);
    expect(performance.now() - started).toBeLessThan(500);
    expect(calls).toEqual(['enter sent', 'handler', 'leave sent']);
  });
});
