/** Who is calling: roles, access tokens and their verification. */
export {
  accessTokenSeconds,
  type Caller,
  InvalidTokenError,
  type IssuedToken,
  issueAccessToken,
  type Role,
  roles,
  tokenAudience,
  tokenIssuer,
  verifyAccessToken,
} from './tokens';
