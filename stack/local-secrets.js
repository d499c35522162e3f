/**
 * Secrets of the local stacks, generated on first use and kept in `.stack/secrets/` (never in git),
 * so tokens issued by `npm start` stay valid across restarts and tests can sign their own. On AWS
 * the same keys come from SSM (see shared/infra/serverless.js). CommonJS because serverless.yml
 * reads it through serverless.js.
 */
const { randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const secretsDir = path.resolve(__dirname, '..', '.stack', 'secrets');

/** A secret (base64url, 256 bits) of a local profile, generated on first use. */
function localSecret(profileName, purpose) {
  const file = path.join(secretsDir, `${profileName}-${purpose}`);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  try {
    // `wx`: when two processes race, the first key written wins and both read it back.
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/** The access-token signing key of a local profile. */
const localSigningKey = (profileName) => localSecret(profileName, 'jwt-signing-key');

/** The key of the order requests' HMAC in idempotency records, of a local profile. */
const localRequestHashKey = (profileName) => localSecret(profileName, 'request-hash-key');

/** The key that signs sponsored slots' click tokens, of a local profile. */
const localAdClickKey = (profileName) => localSecret(profileName, 'ad-click-key');

module.exports = { localSigningKey, localRequestHashKey, localAdClickKey };
