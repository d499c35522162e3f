/**
 * Logging in with email and password: the start of a session (sessions.ts), guarded against
 * guessing by the login locks of shared/redis and announced as a member event.
 */
import { randomUUID } from 'node:crypto';
import { verifyAgainstDecoy, verifyPassword } from '../auth/password';
import { optionalEnv } from '../config/env';
import { memberEventTypes } from '../domain/member';
import { findMemberByEmail, startTokenFamily } from '../dynamo/member-store';
import { ApiError } from '../http';
import { logger } from '../logger';
import { admitLoginAttempt, type LoginGuardPolicy, loginSucceeded } from '../redis/login-guard';
import { publishMemberEvent } from './events';
import { newRefreshToken } from './refresh-tokens';
import { type Session, session } from './sessions';

/** Lock-out policy; the lock length comes from LOGIN_LOCK_SECONDS (default 15 minutes). */
export function loginGuardPolicy(): LoginGuardPolicy {
  const seconds = Number(optionalEnv('LOGIN_LOCK_SECONDS') ?? 900);
  return {
    pairLimit: 5,
    accountCeiling: 100,
    addressLimit: 50,
    lockSeconds: Number.isInteger(seconds) && seconds > 0 ? seconds : 900,
  };
}

const invalidCredentials = () =>
  new ApiError(401, 'invalid_credentials', 'The email address or the password is wrong');

function locked(seconds: number): ApiError {
  return new ApiError(429, 'login_locked', 'Too many failed logins; retry later', undefined, {
    'Retry-After': String(seconds),
  });
}

/**
 * Logs in with email and password. The answer is the same for an unknown email and a wrong
 * password, takes as long, and counts against the same locks; during a lock even the right
 * password is refused. The attempt is counted before the password is checked (the lock-out of
 * shared/redis/login-guard.ts), so concurrent guesses get no more tries than sequential ones.
 */
export async function logIn(
  email: string,
  password: string,
  clientIp: string,
  now = new Date(),
): Promise<Session> {
  const admission = await admitLoginAttempt(email, clientIp, loginGuardPolicy());
  if (admission.lockedMs > 0) throw locked(Math.ceil(admission.lockedMs / 1000));
  const member = await findMemberByEmail(email);
  let valid = false;
  if (member) valid = await verifyPassword(password, member.passwordHash);
  else await verifyAgainstDecoy(password);
  if (!member || !valid) {
    if (admission.lockOnFailureMs > 0) {
      const seconds = Math.ceil(admission.lockOnFailureMs / 1000);
      logger.warn('login locked', { clientIp, lockSeconds: seconds });
      throw locked(seconds);
    }
    throw invalidCredentials();
  }
  await loginSucceeded(email, clientIp);
  const { token, record } = newRefreshToken(member.memberId, randomUUID(), now);
  await startTokenFamily(record);
  await publishMemberEvent(memberEventTypes.loggedIn, member.memberId, {}, { now });
  return session(member.memberId, member.roles, token, now);
}
