/**
 * A Redis that stops answering (frozen, or cut off by a partition) while the API runs: every
 * function of this file's API talks to Redis through a proxy that can be made to hang, on the
 * real local Lambda runtime. Each path must answer from its fallback (or with its documented 503)
 * long before its function's timeout (10 s for most), instead of waiting on Redis until then. The
 * times measured are printed; the bound asserted (5 s) is about correctness, not speed.
 */
import { randomUUID } from 'node:crypto';
import { closeDynamo } from '../../shared/dynamo/client';
import { createPartner } from '../../shared/dynamo/partner-store';
import { closeKafka } from '../../shared/kafka/client';
import { sandboxCards } from '../../shared/payments/sandbox';
import { closeRedis } from '../../shared/redis/client';
import { loadProfile } from '../../stack/profiles';
import { offerInput, uniqueToken } from '../support/catalog';
import { type HungRedisProxy, hungRedisProxy } from '../support/hung-redis';
import { eventually } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

const profile = loadProfile('test');
let proxy: HungRedisProxy;
let api: OfflineApi;

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  body: any;
  ms: number;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const ms = Math.round(performance.now() - started);
  return { status: response.status, body: text ? JSON.parse(text) : undefined, ms };
}

const password = 'hung-redis-passphrase-7';
async function account(accountType: 'member' | 'seller') {
  const email = `${accountType}-${randomUUID()}@example.com`;
  const created = await call('POST', '/members', {
    email,
    password,
    name: '한지민',
    birthYear: 1991,
    gender: 'female',
    region: 'busan',
    accountType,
  });
  expect(created.status).toBe(201);
  const login = await call('POST', '/auth/login', { email, password });
  expect(login.status).toBe(200);
  return { email, auth: { authorization: `Bearer ${login.body.accessToken}` } };
}

beforeAll(async () => {
  proxy = await hungRedisProxy({ host: profile.host, port: profile.redisPort });
  api = await startOffline(120_000, { ...profile, redisPort: proxy.port });
}, 150_000);

afterAll(async () => {
  proxy?.resume();
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
  await proxy?.close();
});

describe('with Redis hung', () => {
  it('answers every path from its fallback well within its function timeout, and from Redis again once it answers', async () => {
    const t = uniqueToken();
    const keyword = `hang${t}`;
    const [seller, buyer] = await Promise.all([account('seller'), account('member')]);
    const offerId = `o${t}`;
    const listed = await call(
      'PUT',
      `/offers/${offerId}`,
      offerInput({ groupId: `g${t}`, keywords: [keyword], price: 8_000, stock: 5 }),
      seller.auth,
    );
    expect(listed.status).toBe(201);
    await eventually('the offer in the cache', async () => {
      const answer = await call('GET', `/search?q=${keyword}`);
      return answer.body?.source === 'cache' && answer.body.totalGroups === 1;
    });
    const { apiKey } = await createPartner(`partner ${t}`, { perSecond: 10, burst: 10 });

    const order = {
      items: [{ offerId, quantity: 1 }],
      shippingAddress: {
        recipient: '한지민',
        phone: '010-2345-6789',
        postalCode: '48058',
        line1: '부산 해운대구 1',
      },
      payment: { method: 'card', cardNumber: sandboxCards.approved, expiryMonth: 12, expiryYear: 2030 },
    };
    const paths: [string, () => Promise<Answer>, number, Record<string, unknown>?][] = [
      ['GET /search', () => call('GET', `/search?q=${keyword}`), 200, { source: 'database', totalGroups: 1 }],
      ['GET /groups/{id}/offers', () => call('GET', `/groups/g${t}/offers`), 200, { source: 'database' }],
      [
        'POST /auth/login (wrong password)',
        () => call('POST', '/auth/login', { email: buyer.email, password: 'not-the-password-1' }),
        401,
      ],
      ['POST /auth/login', () => call('POST', '/auth/login', { email: buyer.email, password }), 200],
      [
        'POST /orders',
        () => call('POST', '/orders', order, { ...buyer.auth, 'idempotency-key': `k-${randomUUID()}` }),
        201,
        { status: 'paid' },
      ],
      [
        'GET /search/suggest',
        () => call('GET', `/search/suggest?prefix=${keyword}`),
        200,
        { source: 'database' },
      ],
      ['GET /search/popular', () => call('GET', '/search/popular'), 200, { available: false }],
      [
        'GET /partner/v1/lowest-price',
        () => call('GET', `/partner/v1/lowest-price?keyword=${keyword}`, undefined, { 'x-api-key': apiKey }),
        200,
      ],
      ['GET /health', () => call('GET', '/health'), 503, { status: 'down' }],
    ];
    // Every function once while Redis answers, so that the rounds below measure warm containers
    // (connected to Redis) rather than their cold starts.
    for (const [, request] of paths) await request();
    proxy.hang();
    const measured: {
      name: string;
      status: number;
      body: unknown;
      ms: number;
      expected: { status: unknown; body: unknown };
    }[] = [];
    // Twice: in the first round each function finds Redis hung, in the second its breaker open.
    for (const round of [1, 2]) {
      for (const [name, request, status, body] of paths) {
        const answer = await request();
        measured.push({ name: `round ${round} ${name}`, ...answer, expected: { status, body } });
      }
    }
    console.log(
      `answers with Redis hung:\n${measured.map((m) => `${m.name}: ${m.status} in ${m.ms} ms`).join('\n')}`,
    );
    for (const answer of measured) {
      const { status, body } = answer.expected;
      expect([answer.name, answer.status]).toEqual([answer.name, status]);
      if (body) expect(answer.body).toMatchObject(body);
      expect(answer.ms).toBeLessThan(5_000);
    }

    proxy.resume();
    await eventually('answers from the cache again', async () => {
      const answer = await call('GET', `/search?q=${keyword}`);
      return answer.status === 200 && answer.body.source === 'cache';
    });
  }, 300_000);
});
