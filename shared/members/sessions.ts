/**
 * Logins: a short-lived access token plus a refresh token that rotates on every use. Each login
 * starts a token family; presenting a refresh token that was already rotated means it leaked, so
 * the whole family is revoked and that login is over for everyone holding one of its tokens.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { issueAccessToken, type Role } from '../auth';
import { verifyAgainstDecoy, verifyPassword } from '../auth/password';
import { optionalEnv } from '../config/env';
import { memberEventTypes } from '../domain/member';
import {
  familyIsActive,
  findMember,
  findMemberByEmail,
  findRefreshToken,
  isWithdrawn,
  RefreshFamilyRevokedError,
  type RefreshTokenRecord,
  RefreshTokenReusedError,
  revokeTokenFamily,
  rotateRefreshToken,
  startTokenFamily,
} from '../dynamo/member-store';
import { ApiError } from '../http';
import { logger } from '../logger';
import {
  clearAccountFailures,
  type LoginGuardPolicy,
  lockedForSeconds,
  recordLoginFailure,
} from '../redis/login-guard';
import { publishMemberEvent } from './events';

export const refreshTokenSeconds = 30 * 24 * 60 * 60;

export interface Session {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

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
const invalidRefreshToken = () =>
  new ApiError(401, 'invalid_refresh_token', 'The refresh token is not valid; log in again');

function locked(seconds: number): ApiError {
  return new ApiError(429, 'login_locked', 'Too many failed logins; retry later', undefined, {
    'Retry-After': String(seconds),
  });
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

function newRefreshToken(
  memberId: string,
  familyId: string,
  now: Date,
): { token: string; record: RefreshTokenRecord } {
  const token = `pcr_${randomBytes(32).toString('base64url')}`;
  return {
    token,
    record: {
      tokenHash: hashOf(token),
      memberId,
      familyId,
      state: 'active',
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + refreshTokenSeconds,
    },
  };
}

async function session(
  memberId: string,
  roles: readonly Role[],
  refreshToken: string,
  now: Date,
): Promise<Session> {
  const access = await issueAccessToken({ memberId, roles }, now);
  return {
    accessToken: access.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
    refreshToken,
    refreshExpiresIn: refreshTokenSeconds,
  };
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

/** Exchanges a refresh token for a new access token and a new refresh token. */
export async function refresh(refreshToken: string, now = new Date()): Promise<Session> {
  const used = await findRefreshToken(hashOf(refreshToken));
  if (!used || used.expiresAt <= Math.floor(now.getTime() / 1000)) throw invalidRefreshToken();
  const reused = async () => {
    await revokeTokenFamily(used.memberId, used.familyId);
    logger.warn('refresh token reused; its login is revoked', {
      memberId: used.memberId,
      familyId: used.familyId,
    });
    return new ApiError(401, 'refresh_token_reused', 'The refresh token was already used; log in again');
  };
  if (used.state !== 'active') throw await reused();
  if (!(await familyIsActive(used.memberId, used.familyId))) throw invalidRefreshToken();
  const member = await findMember(used.memberId);
  if (!member || isWithdrawn(member)) throw invalidRefreshToken();
  const next = newRefreshToken(member.memberId, used.familyId, now);
  try {
    await rotateRefreshToken(used, next.record);
  } catch (error) {
    if (error instanceof RefreshTokenReusedError) throw await reused();
    if (error instanceof RefreshFamilyRevokedError) throw invalidRefreshToken();
    throw error;
  }
  return session(member.memberId, member.roles, next.token, now);
}

/** Ends the login the refresh token belongs to; unknown tokens end nothing and say nothing. */
export async function logOut(refreshToken: string): Promise<void> {
  const token = await findRefreshToken(hashOf(refreshToken));
  if (token) await revokeTokenFamily(token.memberId, token.familyId);
}
