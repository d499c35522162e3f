/** Access tokens: what verification accepts and everything it must refuse. */
import { createHash, randomBytes } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import {
  accessTokenSeconds,
  InvalidTokenError,
  issueAccessToken,
  tokenAudience,
  tokenIssuer,
  verifyAccessToken,
} from '../../../shared/auth';

const secret = randomBytes(32);
const keyId = createHash('sha256').update(secret).digest('base64url').slice(0, 16);
const seller = { memberId: 'm-1', roles: ['member', 'seller'] as const };

beforeAll(() => {
  process.env.JWT_SIGNING_KEY = secret.toString('base64url');
});

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function refusal(token: string, now?: Date): Promise<string> {
  try {
    await verifyAccessToken(token, now);
  } catch (error) {
    if (error instanceof InvalidTokenError) return error.reason;
    throw error;
  }
  throw new Error('the token was accepted');
}

function signed(claims: { aud?: string; iss?: string; roles?: unknown }, key: Buffer = secret) {
  const sign = createSigner({
    key,
    algorithm: 'HS256',
    kid: keyId,
    iss: claims.iss ?? tokenIssuer,
    aud: claims.aud ?? tokenAudience,
    expiresIn: 300_000,
  });
  return sign({ sub: 'm-1', roles: claims.roles ?? ['member'] });
}

describe('access tokens', () => {
  it('verify to the caller they were issued for', async () => {
    const { token, expiresIn } = await issueAccessToken(seller);
    expect(expiresIn).toBe(accessTokenSeconds);
    await expect(verifyAccessToken(token)).resolves.toEqual({ memberId: 'm-1', roles: ['member', 'seller'] });
  });

  it('expire after their lifetime', async () => {
    const issuedAt = new Date('2026-01-01T00:00:00Z');
    const { token } = await issueAccessToken(seller, issuedAt);
    const justBefore = new Date(issuedAt.getTime() + (accessTokenSeconds - 1) * 1000);
    await expect(verifyAccessToken(token, justBefore)).resolves.toMatchObject({ memberId: 'm-1' });
    expect(await refusal(token, new Date(issuedAt.getTime() + (accessTokenSeconds + 1) * 1000))).toBe(
      'expired',
    );
  });

  it('refuse a changed payload', async () => {
    const { token } = await issueAccessToken({ memberId: 'm-1', roles: ['member'] });
    const [header, , signature] = token.split('.');
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    const forged = `${header}.${encode({ ...payload, roles: ['admin'] })}.${signature}`;
    expect(await refusal(forged)).toBe('invalid');
  });

  it('refuse alg none, another key, another audience or issuer, unknown roles and garbage', async () => {
    const payload = { sub: 'm-1', roles: ['admin'], iss: tokenIssuer, aud: tokenAudience, iat: 1, exp: 4e9 };
    expect(await refusal(`${encode({ alg: 'none', typ: 'JWT', kid: keyId })}.${encode(payload)}.`)).toBe(
      'invalid',
    );
    expect(await refusal(signed({}, randomBytes(32)))).toBe('invalid');
    expect(await refusal(signed({ aud: 'partner-api' }))).toBe('invalid');
    expect(await refusal(signed({ iss: 'elsewhere' }))).toBe('invalid');
    expect(await refusal(signed({ roles: ['root'] }))).toBe('invalid');
    expect(await refusal('not.a.token')).toBe('invalid');
    await expect(verifyAccessToken(signed({}))).resolves.toEqual({
      memberId: 'm-1',
      roles: ['member'],
    });
  });
});
