/**
 * Logins: a short-lived access token plus a refresh token that rotates on every use. Each login
 * starts a token family; presenting a refresh token that was already rotated means it leaked, so
 * the whole family is revoked and that login is over for everyone holding one of its tokens.
 * This module answers a login (login.ts) and a refresh; logout.ts ends a login without it.
 */
import { issueAccessToken } from '../auth';
import type { Role } from '../domain/member';
import {
  familyIsActive,
  findMember,
  findRefreshToken,
  isWithdrawn,
  RefreshFamilyRevokedError,
  RefreshTokenReusedError,
  revokeTokenFamily,
  rotateRefreshToken,
} from '../dynamo/member-store';
import { ApiError } from '../http';
import { logger } from '../logger';
import { newRefreshToken, refreshTokenHash, refreshTokenSeconds } from './refresh-tokens';

export interface Session {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

const invalidRefreshToken = () =>
  new ApiError(401, 'invalid_refresh_token', 'The refresh token is not valid; log in again');

/** The answer of a login or a refresh: a new access token beside the refresh token. */
export async function session(
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

/** Exchanges a refresh token for a new access token and a new refresh token. */
export async function refresh(refreshToken: string, now = new Date()): Promise<Session> {
  const used = await findRefreshToken(refreshTokenHash(refreshToken));
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
