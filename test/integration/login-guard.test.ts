/** Lock-out counters in the test stack's Redis, and in memory while Redis cannot be reached. */
import { randomUUID } from 'node:crypto';
import { closeRedis } from '../../shared/redis/client';
import { clearAccountFailures, lockedForSeconds, recordLoginFailure } from '../../shared/redis/login-guard';

const policy = { accountLimit: 3, ipLimit: 5, lockSeconds: 60 };
const email = () => `guard-${randomUUID()}@example.com`;
const ip = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

afterAll(async () => {
  await closeRedis();
});

async function fail(times: number, address: string, client: string): Promise<number[]> {
  const locks: number[] = [];
  for (let n = 0; n < times; n += 1) locks.push(await recordLoginFailure(address, client, policy));
  return locks;
}

describe.each([
  ['in Redis', undefined],
  ['in memory while Redis is unreachable', 'redis://127.0.0.1:1'],
])('the login guard %s', (_where, redisUrl) => {
  const previousUrl = process.env.REDIS_URL;
  beforeAll(async () => {
    await closeRedis();
    if (redisUrl) process.env.REDIS_URL = redisUrl;
  });
  afterAll(async () => {
    process.env.REDIS_URL = previousUrl;
    await closeRedis();
  });

  it('locks an account at its limit, from any client, until the lock ends', async () => {
    const account = email();
    expect(await fail(3, account, ip())).toEqual([0, 0, 60]);
    expect(await lockedForSeconds(account, ip(), policy)).toBeGreaterThanOrEqual(59);
    expect(await lockedForSeconds(email(), ip(), policy)).toBe(0);
  });

  it('locks a client at its limit, for every account, and a success forgets only the account', async () => {
    const client = ip();
    const first = email();
    await fail(2, first, client);
    await clearAccountFailures(first);
    expect(await lockedForSeconds(first, ip(), policy)).toBe(0);
    const locks = await Promise.all([email(), email(), email()].map((account) => fail(1, account, client)));
    expect(locks.flat()).toContain(60);
    expect(await lockedForSeconds(email(), client, policy)).toBeGreaterThanOrEqual(59);
  });
});
