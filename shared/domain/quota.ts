/**
 * A partner's quota as a token bucket: it holds at most `burst` tokens, refills at `perSecond`
 * tokens a second, and every request takes one. Redis runs the same arithmetic in a script
 * (shared/redis/token-bucket.ts); this is the rule and the fallback when Redis is unreachable.
 */

export interface QuotaPolicy {
  perSecond: number;
  burst: number;
}

export interface BucketState {
  tokens: number;
  /** Epoch milliseconds of the last refill. */
  refilledAt: number;
}

export interface QuotaDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until a token is available again; 0 when allowed. */
  retryAfterSeconds: number;
  state: BucketState;
}

/** Takes one token from the bucket at `now`, refilling it first for the time that has passed. */
export function takeToken(state: BucketState | undefined, policy: QuotaPolicy, now: number): QuotaDecision {
  const previous = state ?? { tokens: policy.burst, refilledAt: now };
  const elapsedSeconds = Math.max(0, now - previous.refilledAt) / 1000;
  const tokens = Math.min(policy.burst, previous.tokens + elapsedSeconds * policy.perSecond);
  if (tokens >= 1) {
    const left = tokens - 1;
    return {
      allowed: true,
      remaining: Math.floor(left),
      retryAfterSeconds: 0,
      state: { tokens: left, refilledAt: now },
    };
  }
  return {
    allowed: false,
    remaining: 0,
    retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / policy.perSecond)),
    state: { tokens, refilledAt: now },
  };
}
