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
import { ApiError, ConflictError, UnauthorizedError } from '../http';
import { publishMemberEvent } from './events';
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
 * Withdrawal: personal data erased, the email address released, every login ended, and a
 * MemberWithdrawn event for history to anonymise what it kept. Repeating it (e.g. after Kafka
 * refused the event) sends the event again.
 */
export async function withdraw(memberId: string, now = new Date()): Promise<void> {
  const member = await findMember(memberId);
  if (!member) throw new UnauthorizedError('This account no longer exists');
  let withdrawnAt: string;
  try {
    withdrawnAt = isWithdrawn(member)
      ? member.withdrawnAt
      : (await eraseMember(member, now.toISOString())).withdrawnAt;
  } catch (error) {
    if (error instanceof ConcurrentMemberUpdateError) {
      throw new ConflictError(
        'profile_changed_concurrently',
        'The account was changed by another request; retry',
      );
    }
    throw error;
  }
  await revokeAllTokenFamilies(memberId);
  try {
    await publishMemberEvent(memberEventTypes.withdrawn, memberId, { withdrawnAt }, { now, required: true });
  } catch {
    throw new ApiError(
      503,
      'member_event_not_published',
      'The withdrawal is stored but not yet announced; retry',
      undefined,
      {
        'Retry-After': '1',
      },
    );
  }
}
