/** Members stored straight into the members table, for tests that need an account but no login. */
import { randomUUID } from 'node:crypto';
import { createMember } from '../../shared/dynamo/member-store';

/** Stores a member with a fresh id (one that can never log in) and returns the id. */
export async function storedMember(): Promise<string> {
  const memberId = `m-${randomUUID()}`;
  const now = new Date().toISOString();
  await createMember({
    memberId,
    email: `${memberId}@example.com`,
    name: 'Buyer',
    birthYear: 1990,
    gender: 'female',
    region: 'seoul',
    roles: ['member'],
    passwordHash: 'scrypt$1$1$1$x$y',
    createdAt: now,
    updatedAt: now,
    version: 1,
  });
  return memberId;
}
