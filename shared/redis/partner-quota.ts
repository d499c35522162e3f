/**
 * Per-partner quotas: a token bucket per partner (`quota:{<partnerId>}`, token-bucket.ts) shared by
 * every function and container through Redis, kept per container in memory while Redis is away.
 */
import type { QuotaPolicy } from '../domain/quota';
import { hashTag } from './client';
import { type BucketDecision, takeBucketToken } from './token-bucket';

export const partnerQuotaKey = (partnerId: string) => `quota:${hashTag(partnerId)}`;

/** Takes one request from the partner's quota. */
export function takePartnerToken(partnerId: string, policy: QuotaPolicy): Promise<BucketDecision> {
  return takeBucketToken(partnerQuotaKey(partnerId), policy);
}
