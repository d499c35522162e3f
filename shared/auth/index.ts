/** Access tokens and their verification (the roles and the caller they name: shared/domain/member). */
export {
  accessTokenSeconds,
  InvalidTokenError,
  type IssuedToken,
  issueAccessToken,
  tokenAudience,
  tokenIssuer,
  verifyAccessToken,
} from './tokens';
