/**
 * Member accounts: sign-up, the member's own profile, withdrawal. Every function acts on the
 * member the access token names; there is no way to name another member.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../auth/password';
import {
  demographicsOf,
  type Member,
  memberEventTypes,
  type ProfileChange,
  rolesFor,
  type SignUp,
} from '../domain/member';
import {
  ConcurrentMemberUpdateError,
  createMember,
  EmailTakenError,
  eraseMember,
  findMember,
  isWithdrawn,
  revokeAllTokenFamilies,
  type StoredMember,
  saveMember,
} from '../dynamo/member-store';
import { withdrawnBuyerPut } from '../dynamo/order-erasure';
import { ConflictError, UnauthorizedError } from '../http';
import { eventEntry, type OutboxEntry } from '../outbox/entries';
import { sendSoon } from '../outbox/outbox';
import { memberEvent, publishMemberEvent } from './events';
import { activeMember, profileOf } from './profile';

export async function signUp(input: SignUp, now = new Date()): Promise<Member> {
  const at = now.toISOString();
  const member: StoredMember = {
    memberId: randomUUID(),
    email: input.email,
    name: input.name,
    birthYear: input.birthYear,
    gender: input.gender,
    region: input.region,
    roles: rolesFor(input.accountType),
    passwordHash: await hashPassword(input.password),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  try {
    await createMember(member);
  } catch (error) {
    if (error instanceof EmailTakenError) {
      throw new ConflictError('email_taken', 'An account with this email address exists; log in instead');
    }
    throw error;
  }
  await publishMemberEvent(
    memberEventTypes.signedUp,
    member.memberId,
    { roles: member.roles, ...demographicsOf(member, now) },
    { now },
  );
  return profileOf(member);
}

export async function changeProfile(
  memberId: string,
  change: ProfileChange,
  now = new Date(),
): Promise<Member> {
  const current = await activeMember(memberId);
  const changed = (Object.keys(change) as (keyof ProfileChange)[]).filter(
    (field) => change[field] !== undefined && change[field] !== current[field],
  );
  if (changed.length === 0) return profileOf(current);
  const next: StoredMember = {
    ...current,
    ...Object.fromEntries(changed.map((field) => [field, change[field]])),
    updatedAt: now.toISOString(),
    version: current.version + 1,
  };
  try {
    await saveMember(next, current.version);
  } catch (error) {
    if (error instanceof ConcurrentMemberUpdateError) {
      throw new ConflictError(
        'profile_changed_concurrently',
        'The profile was changed by another request; retry',
      );
    }
    throw error;
  }
  await publishMemberEvent(
    memberEventTypes.profileUpdated,
    memberId,
    { changed, ...demographicsOf(next, now) },
    { now },
  );
  return profileOf(next);
}

/**
 * Withdrawal: personal data erased, the email address released, every login ended. In the erasing
 * transaction: a MemberWithdrawn outbox entry, for history to anonymise what it kept, and the item
 * that has the erasure sweep remove the addresses from the member's orders. The outbox sends the
 * event even while Kafka is down (the relay retries), so the answer does not wait on Kafka;
 * repeating the request ends any login left and changes nothing else.
 */
export async function withdraw(memberId: string, now = new Date()): Promise<void> {
  const member = await findMember(memberId);
  if (!member) throw new UnauthorizedError('This account no longer exists');
  let announce: OutboxEntry[] = [];
  if (!isWithdrawn(member)) {
    const withdrawnAt = now.toISOString();
    announce = [
      eventEntry('memberEvents', memberEvent(memberEventTypes.withdrawn, memberId, { withdrawnAt }, now)),
    ];
    try {
      await eraseMember(member, withdrawnAt, announce, [withdrawnBuyerPut(memberId, withdrawnAt)]);
    } catch (error) {
      if (error instanceof ConcurrentMemberUpdateError) {
        throw new ConflictError(
          'profile_changed_concurrently',
          'The account was changed by another request; retry',
        );
      }
      throw error;
    }
  }
  await revokeAllTokenFamilies(memberId);
  await sendSoon(announce);
}
