/**
 * A seller's standing as the API answers it, and the grades kept in Redis for search and ads.
 * Counters come from the standing consumer (standing-consumer.ts) and complaints
 * (complaints.ts); shipments still open past their deadline count late at the moment of reading.
 */
import {
  adQualityFactor,
  defaultStandingPolicy,
  type Grade,
  type Standing,
  type StandingPolicy,
  standingOf,
  suspendedByPolicy,
} from '../domain/seller-standing';
import { findPolicy, findSuspension, type Suspension, standingTotals } from '../dynamo/standing-store';
import { logger } from '../logger';
import { storeGrades } from '../redis/seller-standing';

export interface SellerStanding extends Standing {
  sellerId: string;
  /** When the standing was computed: the window ends here. */
  asOf: string;
  suspension: {
    suspended: boolean;
    /** The admin's suspension, if any. */
    manual?: Omit<Suspension, 'sellerId'>;
    /** Whether the policy suspends the seller's grade. */
    byPolicy: boolean;
  };
  adQualityFactor: number;
  policyVersion: number;
}

export async function currentPolicy(): Promise<StandingPolicy> {
  return (await findPolicy()) ?? defaultStandingPolicy;
}

/** The seller's standing over the window ending now; its grade is recorded for search and ads. */
export async function sellerStanding(sellerId: string, nowMs = Date.now()): Promise<SellerStanding> {
  const [totals, manual, policy] = await Promise.all([
    standingTotals(sellerId, nowMs),
    findSuspension(sellerId),
    currentPolicy(),
  ]);
  const standing = standingOf(totals);
  const byPolicy = suspendedByPolicy(policy, standing.grade);
  const suspended = manual !== undefined || byPolicy;
  await recordGrades(new Map([[sellerId, standing.grade]]));
  return {
    sellerId,
    asOf: new Date(nowMs).toISOString(),
    ...standing,
    suspension: {
      suspended,
      ...(manual && {
        manual: { reason: manual.reason, suspendedAt: manual.suspendedAt, suspendedBy: manual.suspendedBy },
      }),
      byPolicy,
    },
    adQualityFactor: adQualityFactor(standing.grade, suspended),
    policyVersion: policy.version,
  };
}

/** Grades in Redis are derived: a failure to write them waits for the next refresh. */
async function recordGrades(grades: ReadonlyMap<string, Grade | null>): Promise<void> {
  await storeGrades(grades).catch((error: unknown) =>
    logger.warn('seller grades not stored in Redis', {
      sellers: grades.size,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}

const refreshConcurrency = 8;

/** Computes the sellers' grades again from DynamoDB and stores them in Redis. */
export async function refreshGrades(sellerIds: readonly string[], nowMs = Date.now()): Promise<void> {
  const grades = new Map<string, Grade | null>();
  let next = 0;
  const worker = async () => {
    while (next < sellerIds.length) {
      const sellerId = sellerIds[next++] as string;
      grades.set(sellerId, standingOf(await standingTotals(sellerId, nowMs)).grade);
    }
  };
  await Promise.all(Array.from({ length: Math.min(refreshConcurrency, sellerIds.length) }, worker));
  await recordGrades(grades);
}
