/**
 * Typed access to the environment keys defined in shared/infra/resources.json. A missing key is a
 * deployment mistake, reported with its name and meaning rather than as an undefined somewhere.
 */
import { type EnvKey, environmentDescriptions } from '../infra';

export class MissingEnvironmentError extends Error {
  constructor(key: EnvKey) {
    super(`Environment variable ${key} is not set (${environmentDescriptions[key]})`);
    this.name = 'MissingEnvironmentError';
  }
}

/** The value of a required key; throws MissingEnvironmentError when it is unset or empty. */
export function requireEnv(key: EnvKey): string {
  const value = process.env[key];
  if (value === undefined || value === '') throw new MissingEnvironmentError(key);
  return value;
}

/** The value of an optional key, or undefined when unset or empty. */
export function optionalEnv(key: EnvKey): string | undefined {
  const value = process.env[key];
  return value === undefined || value === '' ? undefined : value;
}

/** A required secret key given base64url-encoded; throws when it holds fewer than 256 bits. */
export function requireSecretKey(key: EnvKey): Buffer {
  const secret = Buffer.from(requireEnv(key), 'base64url');
  if (secret.length < 32) throw new Error(`${key} must hold at least 256 bits (base64url)`);
  return secret;
}
