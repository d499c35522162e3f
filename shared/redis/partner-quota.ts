/**
 * Per-partner quotas: a token bucket per partner (`quota:{<partnerId>}`, token-bucket.ts) shared by
 * every function and container through Redis, kept per container in memory while Redis is away.
 */
import type { QuotaPolicy } from '../domain/quota';
import { partnerQuotaKey } from './keys';
import { type BucketDecision, takeBucketToken } from './token-bucket';

/** Takes one request from the partner's quota. */
export function takePartnerToken(partnerId: string, policy: QuotaPolicy): Promise<BucketDecision> {
  return takeBucketToken(partnerQuotaKey(partnerId), policy);
}
