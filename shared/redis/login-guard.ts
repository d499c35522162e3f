/**
 * Brute-force protection for login that nobody can turn against a member. Every attempt is counted
 * before its password is checked, by one script that checks and counts at once, so concurrent
 * guesses cannot all pass a check made before any of them failed:
 *
 *   login:{a:<account>}:from:<address>  STRING  attempts at the account from one address (limit 5)
 *   login:{a:<account>}:all             STRING  attempts at the account from anywhere (ceiling 100)
 *   login:{a:<account>}:known           SET     addresses the account logged in from lately (30 days)
 *   login:{ip:<address>}                STRING  attempts from one address at any account (limit 50)
 *
 * (`<account>` is a hash of the email, whether or not the account exists.) Guesses from an address
 * lock that address out of that account, not the member at theirs; the ceiling stops a guesser
 * spread over many addresses, and does not apply from an address the account logged in from. A
 * successful login takes its attempt back and forgets the pair's count. An account's three keys
 * share its hash tag (one script, one Redis Cluster slot); the address's key is checked by a
 * second script on its own slot. Without Redis (down, or not answering within the bound of
 * client.ts) the function counts the same way in its own memory: protection stays on, per
 * container.
 */
import { createHash } from 'node:crypto';
import { LastGoodAnswers } from '../domain/circuit-breaker';
import {
  type Admission,
  type AttemptCounter,
  admitAttempt,
  type LoginGuardPolicy,
  takeBackAttempt,
} from '../domain/login-guard';
import { logger } from '../logger';
import { connectedRedis } from './client';
import { loginKeys } from './keys';

export type { LoginGuardPolicy } from '../domain/login-guard';

// admitAttempt of shared/domain/login-guard.ts, in Lua: check every counter, then count in all of
// them or none. ARGV[1] is the lock in ms (also the window of a counter's first attempt).
const admitFunctions = `
local lockMs = tonumber(ARGV[1])
local function lockedFor(key, limit)
  if tonumber(redis.call('GET', key) or '0') < limit then return 0 end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then return lockMs end
  return ttl
end
local function count(key, limit)
  local n = redis.call('INCR', key)
  if n >= limit then
    redis.call('PEXPIRE', key, lockMs)
    return lockMs
  end
  if n == 1 then redis.call('PEXPIRE', key, lockMs) end
  return 0
end
`;

// KEYS: the pair's counter, the account's, its known addresses. ARGV[2..4]: the pair's limit, the
// account's ceiling (not applied from a known address), the address. Answers {locked ms, lock ms
// on failure}.
const admitAtAccountScript = `${admitFunctions}
local pairLimit = tonumber(ARGV[2])
local ceiling = tonumber(ARGV[3])
local known = redis.call('SISMEMBER', KEYS[3], ARGV[4]) == 1
local locked = lockedFor(KEYS[1], pairLimit)
if not known then locked = math.max(locked, lockedFor(KEYS[2], ceiling)) end
if locked > 0 then return {locked, 0} end
local onFailure = count(KEYS[1], pairLimit)
local atCeiling = count(KEYS[2], ceiling)
if not known then onFailure = math.max(onFailure, atCeiling) end
return {0, onFailure}
`;

// KEYS: the address's counter. ARGV[2]: its limit.
const admitFromAddressScript = `${admitFunctions}
local locked = lockedFor(KEYS[1], tonumber(ARGV[2]))
if locked > 0 then return {locked, 0} end
return {0, count(KEYS[1], tonumber(ARGV[2]))}
`;

// A login succeeded: the pair forgets its count, the account takes the attempt back, and the
// address is known to the account from now on. KEYS: pair, account, known. ARGV: address, ms known.
const succeededAtAccountScript = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 1 then redis.call('DECR', KEYS[2]) else redis.call('DEL', KEYS[2]) end
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 0
`;

// The address takes a successful attempt back (an office of members is not locked by logging in).
const succeededFromAddressScript = `
if tonumber(redis.call('GET', KEYS[1]) or '0') > 1 then return redis.call('DECR', KEYS[1]) end
return redis.call('DEL', KEYS[1])
`;

interface GuardCommands {
  admitLoginAtAccount(
    pair: string,
    account: string,
    known: string,
    lockMs: number,
    pairLimit: number,
    ceiling: number,
    address: string,
  ): Promise<[number, number]>;
  admitLoginFromAddress(key: string, lockMs: number, limit: number): Promise<[number, number]>;
  loginSucceededAtAccount(
    pair: string,
    account: string,
    known: string,
    address: string,
    knownMs: number,
  ): Promise<number>;
  loginSucceededFromAddress(key: string): Promise<number>;
}

/** How long an address the account logged in from stays exempt from its ceiling. */
const knownAddressMs = 30 * 24 * 3600 * 1000;

/** The keys of an account (by a hash of its email) and an address. */
export const loginGuardKeys = (email: string, address: string) =>
  loginKeys(createHash('sha256').update(email).digest('base64url'), address);

const defined = new WeakSet<object>();

async function guard(): Promise<GuardCommands> {
  const redis = await connectedRedis();
  if (!defined.has(redis)) {
    redis.defineCommand('admitLoginAtAccount', { numberOfKeys: 3, lua: admitAtAccountScript });
    redis.defineCommand('admitLoginFromAddress', { numberOfKeys: 1, lua: admitFromAddressScript });
    redis.defineCommand('loginSucceededAtAccount', { numberOfKeys: 3, lua: succeededAtAccountScript });
    redis.defineCommand('loginSucceededFromAddress', { numberOfKeys: 1, lua: succeededFromAddressScript });
    defined.add(redis);
  }
  return redis as unknown as GuardCommands;
}

function fallback(error: unknown): void {
  logger.warn('login guard falls back to this container', {
    error: error instanceof Error ? error.message : String(error),
  });
}

// The same counters in this container's memory, while Redis does not answer (known addresses by
// the pair's key, until when); addresses are unbounded in number, so beyond this the least
// recently used are forgotten.
const maxLocalKeys = 10_000;
const localCounters = new LastGoodAnswers<AttemptCounter>(maxLocalKeys);
const localKnown = new LastGoodAnswers<number>(maxLocalKeys);

/** Keeps the counter, or forgets the key when there is none left to keep. */
function remember<V>(memory: LastGoodAnswers<V>, key: string, value: V | undefined): void {
  if (value === undefined) memory.forget(key);
  else memory.remember(key, value);
}

function admitLocally(keys: ReturnType<typeof loginGuardKeys>, policy: LoginGuardPolicy): Admission {
  const now = Date.now();
  const known = (localKnown.get(keys.pair) ?? 0) > now;
  const counted = [
    { key: keys.pair, limit: policy.pairLimit },
    // From a known address the account's attempts are counted, and never lock it.
    { key: keys.account, limit: known ? Number.POSITIVE_INFINITY : policy.accountCeiling },
    { key: keys.address, limit: policy.addressLimit },
  ];
  const { admission, counters } = admitAttempt(
    counted.map(({ key, limit }) => ({ counter: localCounters.get(key), limit })),
    policy,
    now,
  );
  for (const [index, { key }] of counted.entries()) remember(localCounters, key, counters[index]);
  return admission;
}

/**
 * Admits one login attempt for the account from the address, counting it (before its password is
 * checked) unless the pair, the account (from an address it never logged in from) or the address
 * is locked. Answers how long it is locked (ms, nothing counted), or how long the lock it starts
 * should it fail.
 */
export async function admitLoginAttempt(
  email: string,
  address: string,
  policy: LoginGuardPolicy,
): Promise<Admission> {
  const keys = loginGuardKeys(email, address);
  const lockMs = policy.lockSeconds * 1000;
  try {
    const redis = await guard();
    const [accountLocked, accountOnFailure] = await redis.admitLoginAtAccount(
      keys.pair,
      keys.account,
      keys.known,
      lockMs,
      policy.pairLimit,
      policy.accountCeiling,
      address,
    );
    if (accountLocked > 0) return { lockedMs: accountLocked, lockOnFailureMs: 0 };
    // The address's counter is in another slot: a second script.
    const [addressLocked, addressOnFailure] = await redis.admitLoginFromAddress(
      keys.address,
      lockMs,
      policy.addressLimit,
    );
    if (addressLocked > 0) return { lockedMs: addressLocked, lockOnFailureMs: 0 };
    return { lockedMs: 0, lockOnFailureMs: Math.max(accountOnFailure, addressOnFailure) };
  } catch (error) {
    fallback(error);
    return admitLocally(keys, policy);
  }
}

/**
 * The attempt succeeded: the pair's failures are forgotten, the account and the address take the
 * attempt back, and the address becomes one the account logs in from.
 */
export async function loginSucceeded(email: string, address: string): Promise<void> {
  const keys = loginGuardKeys(email, address);
  const now = Date.now();
  remember(localCounters, keys.pair, undefined);
  remember(localCounters, keys.account, takeBackAttempt(localCounters.get(keys.account), now));
  remember(localCounters, keys.address, takeBackAttempt(localCounters.get(keys.address), now));
  remember(localKnown, keys.pair, now + knownAddressMs);
  try {
    const redis = await guard();
    await Promise.all([
      redis.loginSucceededAtAccount(keys.pair, keys.account, keys.known, address, knownAddressMs),
      redis.loginSucceededFromAddress(keys.address),
    ]);
  } catch (error) {
    fallback(error);
  }
}
