/**
 * Click tokens of sponsored slots: the slot as shown (shared/domain/ads.ts `ClickClaims`), as
 * base64url JSON, a dot, and its HMAC-SHA256 under AD_CLICK_KEY. A token is valid for
 * `clickWindowSeconds` from the page that showed it; anything else is refused with its code, and
 * refused before anything is charged.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { requireSecretKey } from '../config/env';
import { type ClickClaims, clickClaimsSchema, clickTokenPattern, clickWindowSeconds } from '../domain/ads';
import { ApiError } from '../http';

/** A click token that is malformed (400), not signed by the platform (403) or expired (410). */
export class ClickTokenError extends ApiError {
  constructor(kind: 'malformed' | 'forged' | 'expired') {
    const answers = {
      malformed: [400, 'click_token_malformed', 'The click token is not one the platform makes'],
      forged: [403, 'click_token_forged', 'The click token was not signed by the platform'],
      expired: [410, 'click_token_expired', 'The click token has expired; search again'],
    } as const;
    const [status, code, message] = answers[kind];
    super(status, code, message);
  }
}

// A KeyObject made once: handing createHmac the raw key makes it prepare a key on every call.
let key: KeyObject | undefined;
const signingKey = () => {
  key ??= createSecretKey(requireSecretKey('AD_CLICK_KEY'));
  return key;
};

const signatureOf = (payload: string) => createHmac('sha256', signingKey()).update(payload).digest();

/** The claims of a slot shown at `now`, expiring one click window later. */
export function clickToken(claims: Omit<ClickClaims, 'x'>, now: Date): string {
  const payload = Buffer.from(
    JSON.stringify({ ...claims, x: Math.floor(now.getTime() / 1000) + clickWindowSeconds }),
  ).toString('base64url');
  return `${payload}.${signatureOf(payload).toString('base64url')}`;
}

/** The claims of a token the platform signed and that has not expired; ClickTokenError otherwise. */
export function verifyClickToken(token: string, now: Date): ClickClaims {
  if (!clickTokenPattern.test(token)) throw new ClickTokenError('malformed');
  const [payload = '', signature = ''] = token.split('.');
  const expected = signatureOf(payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ClickTokenError('forged');
  }
  let claims: ClickClaims;
  try {
    claims = clickClaimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    // Signed by the platform, yet not claims it makes: a token of an older format.
    throw new ClickTokenError('malformed');
  }
  if (claims.x * 1000 <= now.getTime()) throw new ClickTokenError('expired');
  return claims;
}
