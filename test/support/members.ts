/** Members stored straight into the members table, for tests that need an account but no login. */
import { randomUUID } from 'node:crypto';
import { createMember, type StoredMember } from '../../shared/dynamo/member-store';

/**
 * Stores a member with a fresh id, email `<id>@example.com`, and returns the id. Without a
 * `passwordHash` of a real password it can never log in.
 */
export async function storedMember(overrides: Partial<StoredMember> = {}): Promise<string> {
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
    ...overrides,
  });
  return memberId;
}
