/**
 * Refresh tokens: opaque random strings of which only the hash is stored, each in a token family
 * (one login) for `refreshTokenSeconds`. Apart from sessions.ts, which issues access tokens, so that
 * logging out needs no token signer.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RefreshTokenRecord } from '../dynamo/member-store';

export const refreshTokenSeconds = 30 * 24 * 60 * 60;

/** What is stored of a refresh token, and looked up by. */
export const refreshTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A new refresh token of the family and the record stored for it (only its hash). */
export function newRefreshToken(
  memberId: string,
  familyId: string,
  now: Date,
): { token: string; record: RefreshTokenRecord } {
  const token = `pcr_${randomBytes(32).toString('base64url')}`;
  return {
    token,
    record: {
      tokenHash: refreshTokenHash(token),
      memberId,
      familyId,
      state: 'active',
      createdAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + refreshTokenSeconds,
    },
  };
}
