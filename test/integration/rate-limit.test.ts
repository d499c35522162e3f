/**
 * Client rate limits and checkout's in-flight count in the test stack's Redis, and the limits in
 * memory while Redis cannot be reached. Small policies keep the buckets quick to empty.
 */
import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ClassPolicies } from '../../shared/domain/traffic';
import { authenticate } from '../../shared/http/middleware/authenticate';
import { errorResponse } from '../../shared/http/middleware/error-response';
import { loadShedding } from '../../shared/http/middleware/load-shedding';
import { rateLimit } from '../../shared/http/middleware/rate-limit';
import type { HttpEvent } from '../../shared/http/middleware/types';
import { logger } from '../../shared/logger';
import { closeRedis, connectedRedis } from '../../shared/redis/client';
import { partnerQuotaKey } from '../../shared/redis/keys';
import { enterEssential, essentialInFlight, essentialStaleMs, leaveEssential } from '../../shared/redis/load';
import { takePartnerToken } from '../../shared/redis/partner-quota';
import { clientBucketKey } from '../../shared/redis/token-bucket';
import { accessTokenFor } from '../support/auth';

// A token a second: nothing refills between the requests of a test.
const policies: ClassPolicies = {
  anonymous: { perSecond: 1, burst: 4 },
  internal: { perSecond: 1, burst: 3 },
};

const context = { awsRequestId: 'lambda-request' } as Context;

/** The limiter as the stack runs it: the error shape, the caller, then the client's bucket. */
const limited = middy<HttpEvent, APIGatewayProxyResult, Error, Context>()
  .use(errorResponse(logger))
  .use(authenticate('optional'))
  .use(rateLimit({}, policies))
  .handler(async () => ({ statusCode: 200, body: '' }));

const ip = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

function request(sourceIp: string, token?: string): HttpEvent {
  return {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    requestContext: { requestId: randomUUID(), identity: { sourceIp } },
  } as unknown as APIGatewayProxyEvent;
}

async function send(times: number, sourceIp: string, token?: string): Promise<APIGatewayProxyResult[]> {
  const answers: APIGatewayProxyResult[] = [];
  for (let n = 0; n < times; n += 1) answers.push(await limited(request(sourceIp, token), context));
  return answers;
}

const statuses = (answers: APIGatewayProxyResult[]) => answers.map((answer) => answer.statusCode);

function expectRefused(answer: APIGatewayProxyResult | undefined): void {
  expect(answer?.statusCode).toBe(429);
  expect(JSON.parse(answer?.body ?? '{}').error.code).toBe('too_many_requests');
  expect(Number(answer?.headers?.['Retry-After'])).toBeGreaterThanOrEqual(1);
}

afterAll(async () => {
  await closeRedis();
});

describe('client rate limits in Redis', () => {
  beforeAll(async () => {
    await closeRedis();
  });

  it('gives an anonymous address its burst, then 429 with Retry-After, from a bucket in Redis', async () => {
    const address = ip();
    const answers = await send(5, address);
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 429]);
    expectRefused(answers[4]);
    const key = clientBucketKey({ clientClass: 'anonymous', id: address });
    expect(key).toBe(`rate:{anonymous:${address}}`);
    const redis = await connectedRedis();
    expect(Number(await redis.hget(key, 'tokens'))).toBeLessThan(1);
    expect(await redis.pttl(key)).toBeGreaterThan(0);
  });

  it('gives a member their burst wherever they call from, then 429', async () => {
    const memberId = `m-${randomUUID()}`;
    const token = await accessTokenFor({ memberId, roles: ['member'] });
    const answers = [...(await send(2, ip(), token)), ...(await send(2, ip(), token))];
    expect(statuses(answers)).toEqual([200, 200, 200, 429]);
    expectRefused(answers[3]);
    const redis = await connectedRedis();
    expect(await redis.exists(`rate:{internal:${memberId}}`)).toBe(1);
  });

  it('keeps separate buckets for two addresses, two members, and a member and their address', async () => {
    const [first, second] = [ip(), ip()];
    expect(statuses(await send(5, first))).toEqual([200, 200, 200, 200, 429]);
    expect(statuses(await send(1, second))).toEqual([200]);

    const [one, other] = await Promise.all([
      accessTokenFor({ roles: ['member'] }),
      accessTokenFor({ roles: ['member'] }),
    ]);
    expect(statuses(await send(4, first, one))).toEqual([200, 200, 200, 429]);
    expect(statuses(await send(1, first, other))).toEqual([200]);
  });

  it("leaves the partner quota's bucket where it was", async () => {
    const partnerId = `p-${randomUUID()}`;
    const decisions = [];
    for (let n = 0; n < 3; n += 1)
      decisions.push(await takePartnerToken(partnerId, { perSecond: 1, burst: 2 }));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, false]);
    expect(decisions[2]?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(partnerQuotaKey(partnerId)).toBe(`quota:{${partnerId}}`);
    expect(await (await connectedRedis()).exists(`quota:{${partnerId}}`)).toBe(1);
  });
});

describe("checkout's in-flight count in Redis", () => {
  it('goes up when essential invocations start and back down when they end', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const before = await essentialInFlight();
    await Promise.all(ids.map((id) => enterEssential(id)));
    const during = await essentialInFlight();
    expect(during).toBeGreaterThanOrEqual(before + 3);
    await Promise.all(ids.map((id) => leaveEssential(id)));
    expect(await essentialInFlight()).toBeLessThanOrEqual(during - 3);
  });

  it('does not count an invocation that started longer ago than any can run (a container died)', async () => {
    const id = randomUUID();
    const before = await essentialInFlight();
    await enterEssential(id, Date.now() - essentialStaleMs - 1_000);
    expect(await essentialInFlight()).toBe(before);
    await leaveEssential(id);
  });

  it('is kept by the load-shedding middleware of essential routes, and only of those', async () => {
    let reached!: () => void;
    const inHandler = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const essential = middy<HttpEvent, APIGatewayProxyResult, Error, Context>()
      .use(errorResponse(logger))
      .use(loadShedding({ priority: 'essential' }))
      .handler(async () => {
        reached();
        await finished;
        return { statusCode: 201, body: '' };
      });
    const baseline = await essentialInFlight();
    const answer = essential(request(ip()), context);
    await inHandler;
    // Entered before the handler ran, left before the answer resolved.
    expect(await essentialInFlight()).toBeGreaterThanOrEqual(baseline + 1);
    finish();
    expect((await answer).statusCode).toBe(201);
    expect(await essentialInFlight()).toBeLessThanOrEqual(baseline);

    const standard = middy<HttpEvent, APIGatewayProxyResult, Error, Context>()
      .use(loadShedding({}))
      .handler(async () => {
        expect(await essentialInFlight()).toBe(baseline);
        return { statusCode: 200, body: '' };
      });
    expect((await standard(request(ip()), context)).statusCode).toBe(200);
  });
});

describe('client rate limits while Redis is unreachable', () => {
  const previousUrl = process.env.REDIS_URL;
  beforeAll(async () => {
    await closeRedis();
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
  });
  afterAll(async () => {
    process.env.REDIS_URL = previousUrl;
    await closeRedis();
  });

  it('still limits each address and member, in this container', async () => {
    const address = ip();
    const answers = await send(5, address);
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 429]);
    expectRefused(answers[4]);
    expect(statuses(await send(1, ip()))).toEqual([200]);
    const token = await accessTokenFor({ roles: ['member'] });
    expect(statuses(await send(4, address, token))).toEqual([200, 200, 200, 429]);
  });

  it('counts no essential load rather than failing', async () => {
    await expect(essentialInFlight()).rejects.toThrow();
    const essential = middy<HttpEvent, APIGatewayProxyResult, Error, Context>()
      .use(errorResponse(logger))
      .use(loadShedding({ priority: 'essential' }))
      .handler(async () => ({ statusCode: 201, body: '' }));
    expect((await essential(request(ip()), context)).statusCode).toBe(201);
  });
});
