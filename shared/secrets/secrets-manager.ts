/**
 * AWS Secrets Manager: the only module that imports its client. Loaded on demand (a dynamic import
 * by its callers), so a function that never reads a secret, as on local stages, does not pay for
 * the SDK at cold start. The function's role provides the credentials; AWS_REGION is Lambda's own.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { requireEnv } from '../config/env';

let client: SecretsManagerClient | undefined;

/** A secret without a string value (a binary secret) cannot hold the JSON PeakCart reads. */
export class SecretNotTextError extends Error {
  constructor(readonly secretId: string) {
    super(`Secret ${secretId} has no string value`);
    this.name = 'SecretNotTextError';
  }
}

/** The current string value of a secret, by ARN or name. */
export async function secretString(secretId: string): Promise<string> {
  client ??= new SecretsManagerClient({ region: requireEnv('AWS_REGION') });
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (SecretString === undefined) throw new SecretNotTextError(secretId);
  return SecretString;
}
