/**
 * Access tokens: short-lived JWTs (HS256) naming the member and their roles. Issued by login,
 * verified by the auth middleware of every member endpoint, synchronously with node:crypto (a
 * verification is a few microseconds of HMAC, parsing and claim checks). The key id is derived
 * from the key, so keys can be told apart when one is rotated.
 */
import { createHash } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import * as z from 'zod';
import { requireEnv, requireSecretKey } from '../config/env';
import { type Caller, roles } from '../domain/member';

export const tokenIssuer = 'peakcart';
export const tokenAudience = 'peakcart-api';
export const accessTokenSeconds = 15 * 60;
const algorithm = 'HS256';

type Verify = (token: string) => { header: { kid?: string }; payload: unknown };

interface SigningKey {
  id: string;
  secret: Buffer;
  sign: (payload: Record<string, unknown>) => string;
  verify: Verify;
}

const verifierOptions = (secret: Buffer) => ({
  key: secret,
  algorithms: [algorithm] as const,
  allowedIss: tokenIssuer,
  allowedAud: tokenAudience,
  requiredClaims: ['exp', 'iat', 'sub'],
  complete: true,
});

let cached: { raw: string; key: SigningKey } | undefined;

/** The signing key from JWT_SIGNING_KEY (base64url, at least 256 bits), with its signer and verifier. */
function signingKey(): SigningKey {
  const raw = requireEnv('JWT_SIGNING_KEY');
  if (cached?.raw === raw) return cached.key;
  const secret = requireSecretKey('JWT_SIGNING_KEY');
  const id = createHash('sha256').update(secret).digest('base64url').slice(0, 16);
  const key: SigningKey = {
    id,
    secret,
    sign: createSigner({
      key: secret,
      algorithm,
      kid: id,
      iss: tokenIssuer,
      aud: tokenAudience,
      expiresIn: accessTokenSeconds * 1000,
    }),
    verify: createVerifier({ ...verifierOptions(secret), algorithms: [algorithm] }) as Verify,
  };
  cached = { raw, key };
  return key;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** A signed access token for the caller, valid for `accessTokenSeconds` from `now`. */
export async function issueAccessToken(caller: Caller, now = new Date()): Promise<IssuedToken> {
  const token = signingKey().sign({
    sub: caller.memberId,
    roles: [...caller.roles],
    iat: Math.floor(now.getTime() / 1000),
  });
  return { token, expiresIn: accessTokenSeconds };
}

/** Why a token was refused; the HTTP layer answers 401 with this as the message. */
export class InvalidTokenError extends Error {
  constructor(readonly reason: 'expired' | 'invalid') {
    super(reason === 'expired' ? 'The access token has expired' : 'The access token is not valid');
    this.name = 'InvalidTokenError';
  }
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(roles)),
});

/**
 * The caller a token names, after checking algorithm, signature, key id, issuer, audience and
 * expiry. Throws InvalidTokenError for anything else, `alg: none` included. `now` is for tests.
 */
export async function verifyAccessToken(token: string, now?: Date): Promise<Caller> {
  const key = signingKey();
  const verify =
    now === undefined
      ? key.verify
      : (createVerifier({
          ...verifierOptions(key.secret),
          algorithms: [algorithm],
          clockTimestamp: now.getTime(),
        }) as Verify);
  let decoded: ReturnType<Verify>;
  try {
    decoded = verify(token);
  } catch (error) {
    if (error instanceof TokenError && error.code === TokenError.codes.expired) {
      throw new InvalidTokenError('expired');
    }
    throw new InvalidTokenError('invalid');
  }
  const claims = claimsSchema.safeParse(decoded.payload);
  if (decoded.header.kid !== key.id || !claims.success) throw new InvalidTokenError('invalid');
  return { memberId: claims.data.sub, roles: claims.data.roles };
}
