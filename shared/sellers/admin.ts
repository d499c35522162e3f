/**
 * What admins set: the standing policy and manual suspensions. DynamoDB holds them; Redis gets
 * them at once for search and ads (shared/redis/seller-standing.ts), and the scheduled refresh
 * writes them there again, so a Redis write that failed is repaired within its period.
 */
import type { StandingPolicy, StandingPolicyInput } from '../domain/seller-standing';
import { findMember } from '../dynamo/member-store';
import {
  deleteSuspension,
  findPolicy,
  PolicyVersionMismatchError,
  putSuspension,
  type Suspension,
  writePolicy,
} from '../dynamo/standing-store';
import { ConflictError, NotFoundError } from '../http';
import { logger } from '../logger';
import { storeManualSuspension, storePolicy } from '../redis/seller-standing';

/** Redis is written after DynamoDB; until the refresh repairs it, the change waits there. */
async function mirror(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    logger.warn('seller standing change not mirrored to Redis; the refresh will', {
      what,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The next version of the policy; 409 when `expectedVersion` is not the current one. */
export async function setPolicy(
  input: StandingPolicyInput,
  adminId: string,
  now = new Date(),
): Promise<StandingPolicy> {
  const current = (await findPolicy())?.version ?? 0;
  if (input.expectedVersion !== undefined && input.expectedVersion !== current)
    throw new ConflictError('policy_version_mismatch', `The policy is at version ${current}; read it again`);
  let policy: StandingPolicy;
  try {
    policy = await writePolicy(input, input.expectedVersion ?? current, adminId, now);
  } catch (error) {
    if (error instanceof PolicyVersionMismatchError)
      throw new ConflictError(
        'policy_version_mismatch',
        `The policy is at version ${error.current}; read it again`,
      );
    throw error;
  }
  await mirror('policy', () => storePolicy(policy));
  return policy;
}

export async function requireSeller(sellerId: string): Promise<void> {
  const member = await findMember(sellerId);
  if (!member || !('roles' in member) || !member.roles.includes('seller'))
    throw new NotFoundError(`No seller ${sellerId}`);
}

export async function suspendSeller(
  sellerId: string,
  reason: string,
  adminId: string,
  now = new Date(),
): Promise<Suspension> {
  await requireSeller(sellerId);
  const suspension = { sellerId, reason, suspendedAt: now.toISOString(), suspendedBy: adminId };
  await putSuspension(suspension);
  await mirror('suspension', () => storeManualSuspension(sellerId, true));
  return suspension;
}

/** Lifts an admin's suspension; 409 `not_suspended` when there is none. */
export async function reinstateSeller(sellerId: string): Promise<void> {
  await requireSeller(sellerId);
  if (!(await deleteSuspension(sellerId)))
    throw new ConflictError('not_suspended', `Seller ${sellerId} is not suspended by an admin`);
  await mirror('reinstatement', () => storeManualSuspension(sellerId, false));
}
