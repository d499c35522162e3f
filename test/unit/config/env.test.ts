/** A function started without a setting it needs says which one, instead of failing somewhere later. */
import { MissingEnvironmentError, optionalEnv, requireEnv } from '../../../shared/config/env';

const saved = process.env.REDIS_URL;
afterEach(() => {
  if (saved === undefined) delete process.env.REDIS_URL;
  else process.env.REDIS_URL = saved;
});

describe('environment', () => {
  it('names a missing key and what it is for', () => {
    delete process.env.REDIS_URL;
    expect(() => requireEnv('REDIS_URL')).toThrow(MissingEnvironmentError);
    expect(() => requireEnv('REDIS_URL')).toThrow(/REDIS_URL is not set \(redis:\/\/ URL/);
  });

  it('treats an empty value as missing', () => {
    process.env.REDIS_URL = '';
    expect(() => requireEnv('REDIS_URL')).toThrow(MissingEnvironmentError);
    expect(optionalEnv('REDIS_URL')).toBeUndefined();
  });

  it('returns a value that is set', () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:6379';
    expect(requireEnv('REDIS_URL')).toBe('redis://127.0.0.1:6379');
  });
});
