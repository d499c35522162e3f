/**
 * Token buckets in Redis, one hash per bucket (tokens and last refill) and one atomic script per
 * request, so every function and container shares a bucket; time comes from the Redis server, so
 * they share one clock too. Partner quotas (`quota:{<partnerId>}`, partner-quota.ts) and the limits
 * of client classes (`rate:{anonymous:<ip>}`, `rate:{internal:<memberId>}`) are buckets of this
 * kind. A bucket is one key, so one script per request runs on one Redis Cluster primary; the tags
 * only spread the buckets over the slots, one tag per partner or client.
 *
 * If Redis cannot be reached or is slow, the container keeps the bucket in its own memory
 * (shared/domain/quota.ts): callers stay limited, per container, and are never refused for the
 * cache's sake. A circuit breaker stops asking a Redis that keeps failing for a while.
 */
import { dependencyBreaker } from '../dependency-breaker';
import { optional } from '../domain/circuit-breaker';
import { type BucketState, type QuotaDecision, type QuotaPolicy, takeToken } from '../domain/quota';
import type { Client } from '../domain/traffic';
import { connectedRedis } from './client';
import { clientBucketKey as bucketKey } from './keys';

export type BucketDecision = Omit<QuotaDecision, 'state'>;

// Same arithmetic as takeToken: refill for the elapsed time, take one token or say when one is due.
const takeTokenScript = `
local perSecond = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'refilledAt')
local tokens = tonumber(bucket[1]) or burst
local refilledAt = tonumber(bucket[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - refilledAt) / 1000 * perSecond)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'refilledAt', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / perSecond * 1000) + 1000)
if allowed == 1 then return {1, math.floor(tokens), 0} end
return {0, 0, math.max(1, math.ceil((1 - tokens) / perSecond))}
`;

interface BucketCommands {
  takeBucketToken(key: string, perSecond: number, burst: number): Promise<[number, number, number]>;
}

/** The bucket of a client class. */
export const clientBucketKey = (client: Client) => bucketKey(client.clientClass, client.id);

const defined = new WeakSet<object>();

// Buckets of this container while Redis is away; anonymous addresses are unbounded in number, so
// the least recently used are forgotten beyond this (a forgotten bucket starts full, as in Redis).
const maxLocalBuckets = 10_000;
const localBuckets = new Map<string, BucketState>();

// Normally a round trip of well under a millisecond; the timeout leaves room for a cold
// container's first connection.
const redisBuckets = dependencyBreaker('token buckets in Redis', { timeoutMs: 200 });

async function takeInRedis(key: string, policy: QuotaPolicy): Promise<BucketDecision> {
  const redis = await connectedRedis();
  if (!defined.has(redis)) {
    redis.defineCommand('takeBucketToken', { numberOfKeys: 1, lua: takeTokenScript });
    defined.add(redis);
  }
  const [allowed, remaining, retryAfterSeconds] = await (redis as unknown as BucketCommands).takeBucketToken(
    key,
    policy.perSecond,
    policy.burst,
  );
  return { allowed: allowed === 1, remaining, retryAfterSeconds };
}

function takeLocally(key: string, policy: QuotaPolicy): BucketDecision {
  const { state, ...decision } = takeToken(localBuckets.get(key), policy, Date.now());
  localBuckets.delete(key);
  localBuckets.set(key, state);
  if (localBuckets.size > maxLocalBuckets) {
    const oldest = localBuckets.keys().next();
    if (!oldest.done) localBuckets.delete(oldest.value);
  }
  return decision;
}

/** Takes one token from the bucket at `key`, which holds `policy.burst` and refills at `policy.perSecond`. */
export function takeBucketToken(key: string, policy: QuotaPolicy): Promise<BucketDecision> {
  return optional(
    redisBuckets,
    () => takeInRedis(key, policy),
    () => takeLocally(key, policy),
  );
}

/** Takes one token from the client's bucket. */
export function takeClientToken(client: Client, policy: QuotaPolicy): Promise<BucketDecision> {
  return takeBucketToken(clientBucketKey(client), policy);
}
