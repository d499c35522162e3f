/**
 * Per-partner quotas as token buckets in Redis (`quota:{<partnerId>}`: tokens and last refill), one
 * atomic script per request so concurrent functions share one bucket. If Redis cannot be reached
 * the function keeps a bucket of its own in memory (shared/domain/quota.ts): partners stay limited,
 * per container, and are never refused for the cache's sake.
 */
import { type BucketState, type QuotaDecision, type QuotaPolicy, takeToken } from '../domain/quota';
import { logger } from '../logger';
import { connectedRedis } from './client';

// Same arithmetic as takeToken: refill for the elapsed time, take one token or say when one is due.
// Time comes from the Redis server, so every function shares one clock.
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

interface QuotaCommands {
  takePartnerToken(key: string, perSecond: number, burst: number): Promise<[number, number, number]>;
}

const defined = new WeakSet<object>();
const localBuckets = new Map<string, BucketState>();

/** Takes one request from the partner's quota. */
export async function takePartnerToken(
  partnerId: string,
  policy: QuotaPolicy,
): Promise<Omit<QuotaDecision, 'state'>> {
  try {
    const redis = await connectedRedis();
    if (!defined.has(redis)) {
      redis.defineCommand('takePartnerToken', { numberOfKeys: 1, lua: takeTokenScript });
      defined.add(redis);
    }
    const [allowed, remaining, retryAfterSeconds] = await (
      redis as unknown as QuotaCommands
    ).takePartnerToken(`quota:{${partnerId}}`, policy.perSecond, policy.burst);
    return { allowed: allowed === 1, remaining, retryAfterSeconds };
  } catch (error) {
    logger.warn('partner quota falls back to this container', {
      partnerId,
      error: error instanceof Error ? error.message : String(error),
    });
    const { state, ...decision } = takeToken(localBuckets.get(partnerId), policy, Date.now());
    localBuckets.set(partnerId, state);
    return decision;
  }
}
