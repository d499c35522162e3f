/**
 * The brokers' SASL/SCRAM credentials: the Secrets Manager secret that Lambda's event-source
 * mappings use (`saslScram512Auth` in shared/infra/serverless.js), read by the producers too. Its
 * value is the JSON that the mappings expect, `{"username": "...", "password": "..."}`.
 */

export interface ScramCredentials {
  username: string;
  password: string;
}

/** Reads a secret's string value by ARN: Secrets Manager on AWS, anything in tests. */
export type SecretReader = (secretId: string) => Promise<string>;

/** The secret's value is not the credentials JSON. Never carries the value itself. */
export class InvalidKafkaSecretError extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(`The Kafka secret (KAFKA_SECRET_ARN) ${reason}`, options);
    this.name = 'InvalidKafkaSecretError';
  }
}

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The credentials in a secret's value; throws InvalidKafkaSecretError when it has another shape. */
export function parseScramCredentials(secret: string): ScramCredentials {
  let value: unknown;
  try {
    value = JSON.parse(secret);
  } catch {
    // Not the parser's error as cause: its message quotes the input, which may be a password.
    throw new InvalidKafkaSecretError('is not JSON');
  }
  if (typeof value !== 'object' || value === null) throw new InvalidKafkaSecretError('is not a JSON object');
  const { username, password } = value as Record<string, unknown>;
  if (!isNonEmptyString(username) || !isNonEmptyString(password)) {
    throw new InvalidKafkaSecretError('needs a non-empty "username" and "password"');
  }
  return { username, password };
}

/**
 * The credentials of a secret, read once per container: every caller shares the first read. A read
 * that failed (Secrets Manager unreachable, a malformed value) is forgotten, so the next call tries
 * again instead of failing for the life of the container.
 */
export function cachedScramCredentials(read: SecretReader): (secretId: string) => Promise<ScramCredentials> {
  let credentials: Promise<ScramCredentials> | undefined;
  return (secretId) => {
    credentials ??= read(secretId)
      .then(parseScramCredentials)
      .catch((error: unknown) => {
        credentials = undefined;
        throw error;
      });
    return credentials;
  };
}
