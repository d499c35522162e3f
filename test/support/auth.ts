/** Access tokens for tests, signed with the test stack's key (JWT_SIGNING_KEY of test-env). */
import { randomUUID } from 'node:crypto';
import { issueAccessToken } from '../../shared/auth';
import type { Caller, Role } from '../../shared/domain/member';

/** A bearer token for the caller; a fresh member id when none is given. */
export async function accessTokenFor(caller: Partial<Caller> & { roles: readonly Role[] }): Promise<string> {
  const { token } = await issueAccessToken({ memberId: caller.memberId ?? `m-${randomUUID()}`, ...caller });
  return token;
}

/** The Authorization header of a caller. */
export async function authorizationFor(caller: Caller): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await accessTokenFor(caller)}` };
}
