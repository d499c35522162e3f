/**
 * Access tokens: short-lived JWTs (HS256) naming the member and their roles. Issued by login,
 * verified by the auth middleware of every member endpoint. The key id is derived from the key, so
 * a token signed with any other key is rejected before its signature is even checked.
 */
import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { requireEnv } from '../config/env';

export const roles = ['member', 'seller', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as the access token says. */
export interface Caller {
  memberId: string;
  roles: readonly Role[];
}

export const tokenIssuer = 'peakcart';
export const tokenAudience = 'peakcart-api';
export const accessTokenSeconds = 15 * 60;
const algorithm = 'HS256';

interface SigningKey {
  id: string;
  secret: Uint8Array;
}

let cached: { raw: string; key: SigningKey } | undefined;

/** The signing key from JWT_SIGNING_KEY (base64url, at least 256 bits), parsed once. */
function signingKey(): SigningKey {
  const raw = requireEnv('JWT_SIGNING_KEY');
  if (cached?.raw === raw) return cached.key;
  const secret = Buffer.from(raw, 'base64url');
  if (secret.length < 32) throw new Error('JWT_SIGNING_KEY must hold at least 256 bits (base64url)');
  const id = createHash('sha256').update(secret).digest('base64url').slice(0, 16);
  cached = { raw, key: { id, secret: new Uint8Array(secret) } };
  return cached.key;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

/** A signed access token for the caller, valid for `accessTokenSeconds` from `now`. */
export async function issueAccessToken(caller: Caller, now = new Date()): Promise<IssuedToken> {
  const key = signingKey();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ roles: [...caller.roles] })
    .setProtectedHeader({ alg: algorithm, typ: 'JWT', kid: key.id })
    .setSubject(caller.memberId)
    .setIssuer(tokenIssuer)
    .setAudience(tokenAudience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + accessTokenSeconds)
    .sign(key.secret);
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
 * The caller a token names, after checking algorithm, key id, signature, issuer, audience and
 * expiry. Throws InvalidTokenError for anything else, `alg: none` included.
 */
export async function verifyAccessToken(token: string, now = new Date()): Promise<Caller> {
  const key = signingKey();
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        if (header.kid !== key.id) throw new InvalidTokenError('invalid');
        return key.secret;
      },
      {
        algorithms: [algorithm],
        issuer: tokenIssuer,
        audience: tokenAudience,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: now,
      },
    );
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new InvalidTokenError('invalid');
    return { memberId: claims.data.sub, roles: claims.data.roles };
  } catch (error) {
    if (error instanceof InvalidTokenError) throw error;
    if (error instanceof errors.JWTExpired) throw new InvalidTokenError('expired');
    throw new InvalidTokenError('invalid');
  }
}
