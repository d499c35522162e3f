/**
 * Brute-force protection for login: failed attempts are counted in Redis per account (by a hash of
 * the email, whether or not it exists) and per client IP. Once a counter reaches its limit, logins
 * for that account or from that IP are refused until the counter expires, correct password or not.
 * Each counter is its own key and its own command, so the keys may live on different Redis Cluster
 * slots. If Redis cannot be reached, the function counts in its own memory: protection stays on,
 * per container.
 */
import { createHash } from 'node:crypto';
import { logger } from '../logger';
import { connectedRedis, execOrThrow } from './client';

export interface LoginGuardPolicy {
  /** Failures per account before it is locked. */
  accountLimit: number;
  /** Failures per client IP before it is locked (higher: many people share an address). */
  ipLimit: number;
  /** How long failures are remembered, and how long a lock lasts after the last failure. */
  lockSeconds: number;
}

// One failure: count it, start the window with the first one, restart the lock with each one at
// or over the limit. Answers the milliseconds left of the lock, or 0 when not locked.
const recordFailureScript = `
local count = redis.call('INCR', KEYS[1])
local limit = tonumber(ARGV[1])
local ms = tonumber(ARGV[2])
if count == 1 or count >= limit then redis.call('PEXPIRE', KEYS[1], ms) end
if count >= limit then return ms end
return 0
`;

interface GuardCommands {
  recordLoginFailure(key: string, limit: number, lockMs: number): Promise<number>;
}

const accountKey = (email: string) =>
  `login:failures:account:${createHash('sha256').update(email).digest('base64url')}`;
const ipKey = (ip: string) => `login:failures:ip:${ip}`;

const defined = new WeakSet<object>();
const local = new Map<string, { count: number; expiresAt: number }>();

async function redisWithScript(): Promise<GuardCommands & Awaited<ReturnType<typeof connectedRedis>>> {
  const redis = await connectedRedis();
  if (!defined.has(redis)) {
    redis.defineCommand('recordLoginFailure', { numberOfKeys: 1, lua: recordFailureScript });
    defined.add(redis);
  }
  return redis as GuardCommands & typeof redis;
}

function fallback(error: unknown): void {
  logger.warn('login guard falls back to this container', {
    error: error instanceof Error ? error.message : String(error),
  });
}

function localCounter(key: string, now: number) {
  const counter = local.get(key);
  if (counter && counter.expiresAt > now) return counter;
  local.delete(key);
  return undefined;
}

function limits(email: string, ip: string, policy: LoginGuardPolicy): [string, number][] {
  return [
    [accountKey(email), policy.accountLimit],
    [ipKey(ip), policy.ipLimit],
  ];
}

/** Seconds until a login for this account from this IP may be tried again; 0 when it may now. */
export async function lockedForSeconds(email: string, ip: string, policy: LoginGuardPolicy): Promise<number> {
  const counters = limits(email, ip, policy);
  let lockedMs = 0;
  try {
    const redis = await connectedRedis();
    // One pipeline per counter: the account's and the address's may be in different slots.
    const replies = await Promise.all(
      counters.map(([key]) => execOrThrow(redis.pipeline().get(key).pttl(key))),
    );
    counters.forEach(([, limit], index) => {
      const [count = 0, ttl = 0] = (replies[index] ?? []).map(Number);
      if (count >= limit) lockedMs = Math.max(lockedMs, ttl > 0 ? ttl : policy.lockSeconds * 1000);
    });
  } catch (error) {
    fallback(error);
    const now = Date.now();
    for (const [key, limit] of counters) {
      const counter = localCounter(key, now);
      if (counter && counter.count >= limit) lockedMs = Math.max(lockedMs, counter.expiresAt - now);
    }
  }
  return Math.ceil(lockedMs / 1000);
}

/** Counts a failed login; answers the seconds of the lock it caused, or 0. */
export async function recordLoginFailure(
  email: string,
  ip: string,
  policy: LoginGuardPolicy,
): Promise<number> {
  const counters = limits(email, ip, policy);
  const lockMs = policy.lockSeconds * 1000;
  try {
    const redis = await redisWithScript();
    const locks = await Promise.all(
      counters.map(([key, limit]) => redis.recordLoginFailure(key, limit, lockMs)),
    );
    return Math.ceil(Math.max(...locks) / 1000);
  } catch (error) {
    fallback(error);
    const now = Date.now();
    let locked = 0;
    for (const [key, limit] of counters) {
      const counter = localCounter(key, now) ?? { count: 0, expiresAt: now + lockMs };
      counter.count += 1;
      if (counter.count >= limit) {
        counter.expiresAt = now + lockMs;
        locked = lockMs;
      }
      local.set(key, counter);
    }
    return Math.ceil(locked / 1000);
  }
}

/** A successful login forgets the account's failures (the IP's stay: they may be other accounts'). */
export async function clearAccountFailures(email: string): Promise<void> {
  local.delete(accountKey(email));
  try {
    await (await connectedRedis()).del(accountKey(email));
  } catch (error) {
    fallback(error);
  }
}
