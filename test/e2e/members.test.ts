/**
 * Members and logins as clients meet them, through the local Lambda runtime on the real test stack:
 * the account life cycle, lock-out, tokens that must be refused, refresh rotation with reuse
 * detection, withdrawal, and bad input. Locks last 3 seconds here (LOGIN_LOCK_SECONDS).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Consumer } from 'kafkajs';
import { issueAccessToken, tokenAudience } from '../../shared/auth';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { topics } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { closeRedis } from '../../shared/redis/client';
import { eventually, testKafka } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

const lockSeconds = 3;
let api: OfflineApi;
let watcher: Consumer;
const memberEvents: { key: string; value: string }[] = [];
const previousLock = process.env.LOGIN_LOCK_SECONDS;

beforeAll(async () => {
  process.env.LOGIN_LOCK_SECONDS = String(lockSeconds);
  watcher = testKafka.consumer({ groupId: `e2e-members-${randomUUID()}` });
  await watcher.connect();
  await watcher.subscribe({ topic: topics.memberEvents as string, fromBeginning: true });
  await watcher.run({
    eachMessage: async ({ message }) => {
      memberEvents.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
    },
  });
  api = await startOffline();
}, 120_000);

afterAll(async () => {
  process.env.LOGIN_LOCK_SECONDS = previousLock;
  await watcher?.disconnect();
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
});

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  body: any;
  headers: Headers;
}

async function call(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const password = 'blue-harbor-lantern-42';

function newMember(overrides: Record<string, unknown> = {}) {
  return {
    email: `shopper-${randomUUID()}@example.com`,
    password,
    name: '김하늘',
    birthYear: 1994,
    gender: 'female',
    region: 'busan',
    ...overrides,
  };
}

async function signUpAndLogIn(overrides: Record<string, unknown> = {}) {
  const input = newMember(overrides);
  const created = await call('POST', '/members', input);
  expect(created.status).toBe(201);
  const login = await call('POST', '/auth/login', { email: input.email, password: input.password });
  expect(login.status).toBe(200);
  return { input, memberId: created.body.memberId as string, session: login.body };
}

const profileItem = async (memberId: string) =>
  (
    await dynamoClient().send(
      new GetCommand({ TableName: tableName('members'), Key: { pk: `MEMBER#${memberId}`, sk: 'PROFILE' } }),
    )
  ).Item;

describe('the account life cycle', () => {
  it('signs up, logs in, reads and changes the profile, refreshes, logs out and withdraws', async () => {
    const input = newMember({ email: `Life.Cycle-${randomUUID()}@Example.COM` });
    const created = await call('POST', '/members', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: input.email.toLowerCase(),
      name: '김하늘',
      birthYear: 1994,
      gender: 'female',
      region: 'busan',
      roles: ['member'],
      version: 1,
    });
    expect(created.body).not.toHaveProperty('password');
    expect(created.body).not.toHaveProperty('passwordHash');
    const { memberId } = created.body;
    expect((await profileItem(memberId))?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);

    const login = await call('POST', '/auth/login', { email: input.email.toUpperCase(), password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const { accessToken, refreshToken } = login.body;

    const me = await call('GET', '/members/me', undefined, accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ memberId, email: input.email.toLowerCase() });

    const changed = await call('PATCH', '/members/me', { region: 'jeju', name: '김바다' }, accessToken);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ memberId, region: 'jeju', name: '김바다', version: 2 });

    const refreshed = await call('POST', '/auth/refresh', { refreshToken });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refreshToken).not.toBe(refreshToken);
    expect((await call('GET', '/members/me', undefined, refreshed.body.accessToken)).body.region).toBe(
      'jeju',
    );

    expect((await call('POST', '/auth/logout', { refreshToken: refreshed.body.refreshToken })).status).toBe(
      204,
    );
    const afterLogout = await call('POST', '/auth/refresh', { refreshToken: refreshed.body.refreshToken });
    expect(afterLogout).toMatchObject({ status: 401, body: { error: { code: 'invalid_refresh_token' } } });

    // A second login, still open when the member withdraws, ends with the withdrawal.
    const second = await call('POST', '/auth/login', { email: input.email, password });
    expect((await call('DELETE', '/members/me', undefined, second.body.accessToken)).status).toBe(204);

    expect((await call('POST', '/auth/login', { email: input.email, password })).status).toBe(401);
    expect((await call('POST', '/auth/refresh', { refreshToken: second.body.refreshToken })).status).toBe(
      401,
    );
    expect(await call('GET', '/members/me', undefined, second.body.accessToken)).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    const erased = await profileItem(memberId);
    expect(erased).toMatchObject({ memberId, status: 'withdrawn' });
    for (const field of ['email', 'name', 'birthYear', 'gender', 'region', 'passwordHash']) {
      expect(erased).not.toHaveProperty(field);
    }
    // The address is free again: a new account may use it.
    expect((await call('POST', '/members', { ...input, email: input.email.toLowerCase() })).status).toBe(201);

    const events = await eventually('the member events', () => {
      const mine = memberEvents.filter((event) => event.key === memberId);
      return mine.length >= 5 ? mine : undefined;
    });
    expect(events.map((event) => JSON.parse(event.value).type)).toEqual([
      'MemberSignedUp',
      'MemberLoggedIn',
      'MemberProfileUpdated',
      'MemberLoggedIn',
      'MemberWithdrawn',
    ]);
    expect(JSON.parse(events[0]?.value ?? '{}').data).toEqual({
      memberId,
      roles: ['member'],
      birthYear: 1994,
      ageBand: `${Math.floor((new Date().getUTCFullYear() - 1994) / 10) * 10}s`,
      gender: 'female',
      region: 'busan',
    });
    for (const event of events) {
      for (const secret of [password, accessToken, refreshToken, input.email.toLowerCase(), '김하늘']) {
        expect(event.value).not.toContain(secret);
      }
    }
  });

  it('gives sellers the seller role', async () => {
    const { session } = await signUpAndLogIn({ accountType: 'seller' });
    const me = await call('GET', '/members/me', undefined, session.accessToken);
    expect(me.body.roles).toEqual(['member', 'seller']);
  });

  it('refuses a second account for the same email in any case', async () => {
    const input = newMember({ email: `dup-${randomUUID()}@example.com` });
    expect((await call('POST', '/members', input)).status).toBe(201);
    for (const variant of [
      input.email,
      input.email.toUpperCase(),
      `  ${input.email.replace('dup', 'DUP')} `,
    ]) {
      const again = await call('POST', '/members', { ...input, email: variant });
      expect(again).toMatchObject({ status: 409, body: { error: { code: 'email_taken' } } });
    }
  });
});

describe('logging in', () => {
  it('answers an unknown email exactly like a wrong password', async () => {
    const { input } = await signUpAndLogIn();
    const wrong = await call('POST', '/auth/login', { email: input.email, password: 'not-the-password-1' });
    const unknown = await call('POST', '/auth/login', {
      email: `nobody-${randomUUID()}@example.com`,
      password,
    });
    for (const answer of [wrong, unknown]) {
      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
    }
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('locks an account after 5 failures, even for the right password, and releases it after the lock', async () => {
    const { input } = await signUpAndLogIn();
    const attempt = (secret: string) => call('POST', '/auth/login', { email: input.email, password: secret });
    for (let failure = 1; failure <= 4; failure += 1) {
      expect((await attempt(`wrong-password-${failure}`)).status).toBe(401);
    }
    const fifth = await attempt('wrong-password-5');
    expect(fifth).toMatchObject({ status: 429, body: { error: { code: 'login_locked' } } });
    expect(Number(fifth.headers.get('retry-after'))).toBe(lockSeconds);

    const rightDuringLock = await attempt(password);
    expect(rightDuringLock.status).toBe(429);
    expect(Number(rightDuringLock.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    await new Promise((resolve) => setTimeout(resolve, lockSeconds * 1000 + 200));
    expect((await attempt(password)).status).toBe(200);
  });
});

describe('access tokens the API refuses', () => {
  it('refuses tampered, expired, wrong-audience, alg none and missing tokens with 401', async () => {
    const { memberId, session } = await signUpAndLogIn();
    const [header, payload, signature] = session.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;

    const tampered = `${header}.${encode({ ...claims, roles: ['admin'] })}.${signature}`;
    const expired = (
      await issueAccessToken({ memberId, roles: ['member'] }, new Date(Date.now() - 3_600_000))
    ).token;
    const noneAlg = `${encode({ alg: 'none', typ: 'JWT', kid })}.${encode(claims)}.`;
    const otherAudience = `${header}.${encode({ ...claims, aud: `${tokenAudience}-partners` })}.${signature}`;

    for (const token of [tampered, expired, noneAlg, otherAudience, 'garbage']) {
      const answer = await call('GET', '/members/me', undefined, token);
      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    }
    expect((await call('GET', '/members/me')).status).toBe(401);
    expect((await call('GET', '/members/me', undefined, session.accessToken)).status).toBe(200);
  });

  it('lets nobody name another member: the profile endpoints act on the token’s member only', async () => {
    const alice = await signUpAndLogIn({ name: 'Alice' });
    const bob = await signUpAndLogIn({ name: 'Bob' });
    const sneaky = await call(
      'PATCH',
      '/members/me',
      { memberId: bob.memberId, name: 'Mallory' },
      alice.session.accessToken,
    );
    expect(sneaky).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect((await call('GET', `/members/${bob.memberId}`, undefined, alice.session.accessToken)).status).toBe(
      404,
    );
    expect((await call('GET', '/members/me', undefined, bob.session.accessToken)).body.name).toBe('Bob');
    expect((await call('GET', '/members/me', undefined, alice.session.accessToken)).body.name).toBe('Alice');
  });
});

describe('refresh tokens', () => {
  it('rotate on every use; presenting a used one ends the whole login', async () => {
    const { session } = await signUpAndLogIn();
    const first = session.refreshToken;
    const second = await call('POST', '/auth/refresh', { refreshToken: first });
    expect(second.status).toBe(200);

    const replayed = await call('POST', '/auth/refresh', { refreshToken: first });
    expect(replayed).toMatchObject({ status: 401, body: { error: { code: 'refresh_token_reused' } } });
    // The thief's replay also ended the legitimate holder's newer token.
    const newer = await call('POST', '/auth/refresh', { refreshToken: second.body.refreshToken });
    expect(newer).toMatchObject({ status: 401, body: { error: { code: 'invalid_refresh_token' } } });
  });

  it('lets exactly one of three concurrent refreshes with the same token succeed', async () => {
    const { session } = await signUpAndLogIn();
    const answers = await Promise.all(
      [1, 2, 3].map(() => call('POST', '/auth/refresh', { refreshToken: session.refreshToken })),
    );
    expect(answers.filter((answer) => answer.status === 200).length).toBe(1);
    expect(answers.every((answer) => answer.status === 200 || answer.status === 401)).toBe(true);
  });
});

describe('bad input', () => {
  const weak = (overrides: Record<string, unknown>) => ['POST', '/members', newMember(overrides)] as const;
  const cases: [string, readonly [string, string, unknown?], number, string][] = [
    ['missing fields', ['POST', '/members', { email: 'a@example.com' }], 400, 'validation_failed'],
    ['wrong types', ['POST', '/members', { ...newMember(), birthYear: '1994' }], 400, 'validation_failed'],
    [
      'an unknown field',
      ['POST', '/members', { ...newMember(), roles: ['admin'] }],
      400,
      'validation_failed',
    ],
    ['an invalid email', weak({ email: 'not-an-email' }), 400, 'validation_failed'],
    ['a short password', weak({ password: 'short' }), 400, 'validation_failed'],
    [
      'the email as password',
      weak({ email: 'same.as.pw@example.com', password: 'Same.As.Pw@example.com' }),
      422,
      'rule_violated',
    ],
    ['an obvious password', weak({ password: 'password123' }), 422, 'rule_violated'],
    ['a future birth year', weak({ birthYear: 3000 }), 400, 'validation_failed'],
    ['an unknown region', weak({ region: 'atlantis' }), 400, 'validation_failed'],
    ['malformed JSON', ['POST', '/auth/login', '{"email":'], 400, 'malformed_json'],
    [
      'a 1 MB body',
      ['POST', '/members', { ...newMember(), name: 'x'.repeat(1024 * 1024) }],
      413,
      'payload_too_large',
    ],
    [
      'a login without password',
      ['POST', '/auth/login', { email: 'a@example.com' }],
      400,
      'validation_failed',
    ],
    [
      'a refresh token of the wrong type',
      ['POST', '/auth/refresh', { refreshToken: 42 }],
      400,
      'validation_failed',
    ],
    [
      'an unknown refresh token',
      ['POST', '/auth/refresh', { refreshToken: 'pcr_unknown' }],
      401,
      'invalid_refresh_token',
    ],
    ['an empty profile change', ['PATCH', '/members/me', {}], 401, 'unauthorized'],
  ];

  it.each(cases)('%s gets a 4xx with an error code', async (_name, [method, path, body], status, code) => {
    const answer = await call(method, path, body);
    expect(answer).toMatchObject({ status, body: { error: { code } } });
  });

  it('an empty or unknown profile change from a signed-in member gets 400', async () => {
    const { session } = await signUpAndLogIn();
    for (const change of [{}, { email: 'new@example.com' }, { gender: 'robot' }]) {
      const answer = await call('PATCH', '/members/me', change, session.accessToken);
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    }
  });
});
