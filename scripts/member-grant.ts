/**
 * Grants a role to an existing account: the only way to make an admin (analytics), never the API.
 *
 *   npm run member:grant -- <email> <admin|seller|member> [--profile dev|test]
 *
 * The local dev stack by default; against AWS, run it with the stage's environment and credentials.
 * The member's next login (or refresh) carries the role.
 */

import { parseArgs } from 'node:util';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { normalizeEmail, type Role, roles } from '../shared/domain/member';
import { findMemberByEmail, grantRole } from '../shared/dynamo/member-store';
import { useProfile } from './support/profile';
import { run } from './support/run';

const isRole = (value: string): value is Role => (roles as readonly string[]).includes(value);

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { profile: { type: 'string' } },
  });
  const [email, role] = positionals;
  if (!email || !role || !isRole(role)) {
    throw new Error(`usage: npm run member:grant -- <email> <${roles.join('|')}> [--profile dev|test]`);
  }
  useProfile(values.profile);
  const member = await findMemberByEmail(normalizeEmail(email));
  if (!member) throw new Error(`no active account for ${email}`);
  try {
    await grantRole(member.memberId, role);
    console.log(`${member.memberId} now has the roles: ${[...member.roles, role].join(', ')}`);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    console.log(`${member.memberId} already has the role ${role}`);
  }
}

run(main);
