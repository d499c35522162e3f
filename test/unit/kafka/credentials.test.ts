/**
 * The producers authenticate with the event-source mappings' secret: its JSON is read once per
 * container, a failed read is tried again, and a malformed secret is refused without echoing it.
 */
import {
  cachedScramCredentials,
  InvalidKafkaSecretError,
  parseScramCredentials,
} from '../../../shared/kafka/credentials';

const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:peakcart-kafka';

describe('parseScramCredentials', () => {
  it('reads the username and password of the SASL/SCRAM secret', () => {
    expect(parseScramCredentials('{"username":"peakcart","password":"s3cr3t!"}')).toEqual({
      username: 'peakcart',
      password: 's3cr3t!',
    });
  });

  it('ignores other keys of the secret', () => {
    expect(parseScramCredentials('{"username":"a","password":"b","rotatedAt":"2026-01-01"}')).toEqual({
      username: 'a',
      password: 'b',
    });
  });

  it.each([
    ['a missing password', '{"username":"peakcart"}'],
    ['an empty username', '{"username":"","password":"x"}'],
    ['a numeric password', '{"username":"peakcart","password":42}'],
    ['a JSON array', '["peakcart","x"]'],
    ['null', 'null'],
  ])('refuses %s', (_case, secret) => {
    expect(() => parseScramCredentials(secret)).toThrow(InvalidKafkaSecretError);
  });

  it('refuses a value that is not JSON without quoting it', () => {
    const secret = 'peakcart:hunter2';
    let caught: unknown;
    try {
      parseScramCredentials(secret);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidKafkaSecretError);
    const { message, cause } = caught as Error;
    expect(message).toMatch(/KAFKA_SECRET_ARN.*not JSON/);
    expect(`${message} ${String(cause)}`).not.toContain('hunter2');
  });
});

describe('cachedScramCredentials', () => {
  it('reads the secret once for every caller', async () => {
    const read = jest.fn(async () => '{"username":"peakcart","password":"x"}');
    const credentials = cachedScramCredentials(read);
    const [first, second] = await Promise.all([credentials(secretArn), credentials(secretArn)]);
    expect(await credentials(secretArn)).toBe(first);
    expect(second).toBe(first);
    expect(read).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledWith(secretArn);
  });

  it('reads again after a failed read instead of failing for the life of the container', async () => {
    const read = jest
      .fn<Promise<string>, [string]>()
      .mockRejectedValueOnce(new Error('connect ETIMEDOUT secretsmanager.us-east-1.amazonaws.com'))
      .mockResolvedValueOnce('{"username":"peakcart","password":"x"}');
    const credentials = cachedScramCredentials(read);
    await expect(credentials(secretArn)).rejects.toThrow('ETIMEDOUT');
    await expect(credentials(secretArn)).resolves.toEqual({ username: 'peakcart', password: 'x' });
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reads again after a malformed secret, so a corrected secret is picked up', async () => {
    const read = jest
      .fn<Promise<string>, [string]>()
      .mockResolvedValueOnce('{"user":"peakcart"}')
      .mockResolvedValueOnce('{"username":"peakcart","password":"x"}');
    const credentials = cachedScramCredentials(read);
    await expect(credentials(secretArn)).rejects.toThrow(InvalidKafkaSecretError);
    await expect(credentials(secretArn)).resolves.toEqual({ username: 'peakcart', password: 'x' });
  });
});
