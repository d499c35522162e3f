/** Logging out: the end of the login (token family) a refresh token belongs to. */
import { findRefreshToken, revokeTokenFamily } from '../dynamo/member-store';
import { refreshTokenHash } from './refresh-tokens';

/** Ends the login the refresh token belongs to; unknown tokens end nothing and say nothing. */
export async function logOut(refreshToken: string): Promise<void> {
  const token = await findRefreshToken(refreshTokenHash(refreshToken));
  if (token) await revokeTokenFamily(token.memberId, token.familyId);
}
