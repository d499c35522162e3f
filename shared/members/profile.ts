/**
 * The member's own account as they read it. Apart from accounts.ts, which changes accounts and
 * publishes member events, so that reading a profile needs no Kafka producer.
 */
import type { Member } from '../domain/member';
import { findMember, isWithdrawn, type StoredMember } from '../dynamo/member-store';
import { UnauthorizedError } from '../http';

/** What the member sees of their account: everything but the password hash. */
export function profileOf(member: StoredMember): Member {
  const { passwordHash: _hash, ...profile } = member;
  return profile;
}

/** The caller's own account; 401 once it is withdrawn (their access token outlives it briefly). */
export async function activeMember(memberId: string): Promise<StoredMember> {
  const member = await findMember(memberId);
  if (!member || isWithdrawn(member)) throw new UnauthorizedError('This account no longer exists');
  return member;
}
