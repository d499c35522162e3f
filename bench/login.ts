/**
 * npm run bench:login — what a login costs and what checking an access token costs.
 *
 * 1. The KDF alone (scrypt verification of one password), then the login function invoked
 *    in-process (no HTTP) against the dev stack: lock-out check in Redis, the member read, the KDF,
 *    the token family written to DynamoDB, the MemberLoggedIn event sent to Kafka. Sequential for
 *    latency, then concurrent for logins/s; the login/KDF ratio shows what is not the KDF.
 * 2. The auth middleware verifying an access token (signature, key id, issuer, audience, expiry,
 *    claims), beside a bare HMAC-SHA256 of the same bytes. Target: p99 <= 0.2 ms.
 *
 * Uses the dev stack (`npm run stack -- up` first). BENCH_LOGINS sets the login count (default 200).
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { useProfile } from '../scripts/support/profile';
import { run } from '../scripts/support/run';
import { logger } from '../shared/logger';

useProfile(process.env.BENCH_PROFILE);
process.env.LOG_LEVEL = 'ERROR';
// The logger already exists (run.ts loads the clients): quiet it too.
logger.setLogLevel('ERROR');

const logins = Number(process.env.BENCH_LOGINS ?? 200);
const concurrency = 4;
const verifications = 50_000;

interface Stats {
  count: number;
  p50: number;
  p99: number;
  perSecond: number;
}

function stats(samples: number[], wallMs: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { count: samples.length, p50: at(0.5), p99: at(0.99), perSecond: (samples.length / wallMs) * 1000 };
}

async function timed(
  count: number,
  parallel: number,
  run: (index: number) => Promise<unknown>,
): Promise<Stats> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const index = next++;
        const t = performance.now();
        await run(index);
        samples.push(performance.now() - t);
      }
    }),
  );
  return stats(samples, performance.now() - started);
}

function timedSync(count: number, run: () => void): Stats {
  const samples = new Array<number>(count);
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const t = performance.now();
    run();
    samples[i] = performance.now() - t;
  }
  return stats(samples, performance.now() - started);
}

const ms = (value: number) => `${value.toFixed(3)} ms`;

function row(name: string, s: Stats, baseline?: Stats, note = ''): string {
  const ratio = baseline ? `${(s.p50 / baseline.p50).toFixed(2)}x p50` : 'baseline';
  return [
    name.padEnd(44),
    String(s.count).padStart(7),
    `${s.perSecond.toFixed(1)}/s`.padStart(12),
    ms(s.p50).padStart(11),
    ms(s.p99).padStart(11),
    ratio.padStart(12),
    note,
  ].join('  ');
}

async function main(): Promise<void> {
  const { verifyPassword, hashPassword } = await import('../shared/auth/password');
  const { issueAccessToken } = await import('../shared/auth');
  const { authenticate } = await import('../shared/http/middleware/authenticate');
  const { handler: login } = await import('../functions/auth/login');
  const { signUp } = await import('../shared/members/accounts');

  const password = 'bench-passphrase-for-logins';
  const email = `bench-${randomUUID()}@example.com`;
  const member = await signUp({
    email,
    password,
    name: 'Bench',
    birthYear: 1990,
    gender: 'undisclosed',
    region: 'seoul',
    accountType: 'member',
  });
  const stored = await hashPassword(password);

  const context = {
    awsRequestId: 'bench',
    functionName: 'auth-login',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  const event = (): APIGatewayProxyEvent =>
    ({
      httpMethod: 'POST',
      path: '/auth/login',
      resource: '/auth/login',
      headers: { 'content-type': 'application/json' },
      multiValueHeaders: {},
      pathParameters: null,
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      stageVariables: null,
      isBase64Encoded: false,
      body: JSON.stringify({ email, password }),
      requestContext: { requestId: randomUUID(), identity: { sourceIp: '127.0.0.1' } },
    }) as unknown as APIGatewayProxyEvent;
  const logIn = async () => {
    const answer = (await login(event(), context)) as APIGatewayProxyResult;
    if (answer.statusCode !== 200) throw new Error(`login answered ${answer.statusCode}: ${answer.body}`);
  };

  // Warm-up: connections, the decoy hash, JIT.
  for (let i = 0; i < 5; i += 1) await logIn();
  const kdf = await timed(Math.min(logins, 100), 1, () => verifyPassword(password, stored));
  const loginSequential = await timed(logins, 1, logIn);
  const kdfParallel = await timed(logins, concurrency, () => verifyPassword(password, stored));
  const loginParallel = await timed(logins, concurrency, logIn);

  const { token } = await issueAccessToken({ memberId: member.memberId, roles: member.roles });
  const middleware = authenticate(['member']);
  const authEvent = { headers: { authorization: `Bearer ${token}` } } as unknown as APIGatewayProxyEvent;
  const key = Buffer.from(process.env.JWT_SIGNING_KEY ?? '', 'base64url');
  const [header, payload] = token.split('.');
  const signingInput = `${header}.${payload}`;
  for (let i = 0; i < 5_000; i += 1) await middleware.before?.({ event: authEvent } as never);
  const hmac = timedSync(verifications, () => {
    createHmac('sha256', key).update(signingInput).digest('base64url');
  });
  const verify = await timed(
    verifications,
    1,
    () => middleware.before?.({ event: authEvent } as never) ?? Promise.resolve(),
  );

  console.log(
    `logins: ${logins} (sequential, then ${concurrency} at once); token checks: ${verifications}; ${new Date().toISOString()}`,
  );
  console.log(
    [
      'scenario'.padEnd(44),
      'count'.padStart(7),
      'rate'.padStart(12),
      'p50'.padStart(11),
      'p99'.padStart(11),
      'ratio'.padStart(12),
    ].join('  '),
  );
  console.log(row('KDF alone (scrypt N=2^15 r=8 p=1), 1 at a time', kdf));
  console.log(row('login in-process, 1 at a time', loginSequential, kdf));
  console.log(row(`KDF alone, ${concurrency} at a time`, kdfParallel));
  console.log(
    row(
      `login in-process, ${concurrency} at a time`,
      loginParallel,
      kdfParallel,
      `${((loginParallel.perSecond / kdfParallel.perSecond) * 100).toFixed(0)}% of KDF/s`,
    ),
  );
  console.log(row('bare HMAC-SHA256 of the token', hmac));
  console.log(
    row(
      'auth middleware: verify access token',
      verify,
      hmac,
      verify.p99 <= 0.2 ? 'PASS p99 <= 0.2 ms' : 'MISS p99 > 0.2 ms',
    ),
  );
}

run(main);
