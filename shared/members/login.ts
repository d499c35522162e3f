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
import {
  clearAccountFailures,
  type LoginGuardPolicy,
  lockedForSeconds,
  recordLoginFailure,
} from '../redis/login-guard';
import { publishMemberEvent } from './events';
import { newRefreshToken } from './refresh-tokens';
import { type Session, session } from './sessions';

/** Lock-out policy; the lock length comes from LOGIN_LOCK_SECONDS (default 15 minutes). */
export function loginGuardPolicy(): LoginGuardPolicy {
  const seconds = Number(optionalEnv('LOGIN_LOCK_SECONDS') ?? 900);
  return {
    accountLimit: 5,
    ipLimit: 50,
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
 * password, takes as long, and counts against the same lock; during a lock even the right
 * password is refused.
 */
export async function logIn(
  email: string,
  password: string,
  clientIp: string,
  now = new Date(),
): Promise<Session> {
  const policy = loginGuardPolicy();
  const lockedFor = await lockedForSeconds(email, clientIp, policy);
  if (lockedFor > 0) throw locked(lockedFor);
  const member = await findMemberByEmail(email);
  let valid = false;
  if (member) valid = await verifyPassword(password, member.passwordHash);
  else await verifyAgainstDecoy(password);
  if (!member || !valid) {
    const lock = await recordLoginFailure(email, clientIp, policy);
    if (lock > 0) {
      logger.warn('login locked', { clientIp, lockSeconds: lock });
      throw locked(lock);
    }
    throw invalidCredentials();
  }
  await clearAccountFailures(email);
  const { token, record } = newRefreshToken(member.memberId, randomUUID(), now);
  await startTokenFamily(record);
  await publishMemberEvent(memberEventTypes.loggedIn, member.memberId, {}, { now });
  return session(member.memberId, member.roles, token, now);
}
