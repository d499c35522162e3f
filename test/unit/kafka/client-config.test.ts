/**
 * Local stages talk plaintext to the stack's broker; a deployed stage uses TLS and SASL/SCRAM-512
 * with the credentials of KAFKA_SECRET_ARN, the mechanism its event-source mappings use.
 */

import { stage } from '../../../shared/infra/serverless';
import { deploymentKafkaConfig, kafkaConfig } from '../../../shared/kafka/client';
import { stageVariables } from '../../support/serverless';

const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:peakcart-kafka';
const credentials = { username: 'peakcart', password: 'x' };
const keys = [
  'KAFKA_BROKERS',
  'KAFKA_SECRET_ARN',
  'PEAKCART_KAFKA_BOOTSTRAP_SERVERS',
  'PEAKCART_KAFKA_SECRET_ARN',
];
const saved = Object.fromEntries(keys.map((key) => [key, process.env[key]]));

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('kafkaConfig', () => {
  it('is plaintext without credentials', () => {
    const config = kafkaConfig(['127.0.0.1:19092']);
    expect(config.brokers).toEqual(['127.0.0.1:19092']);
    expect(config).not.toHaveProperty('ssl');
    expect(config).not.toHaveProperty('sasl');
  });

  it('uses TLS and SASL/SCRAM-512 with credentials', () => {
    expect(kafkaConfig(['b-1.example:9096'], credentials)).toEqual(
      expect.objectContaining({
        brokers: ['b-1.example:9096'],
        ssl: true,
        sasl: { mechanism: 'scram-sha-512', username: 'peakcart', password: 'x' },
      }),
    );
  });
});

describe('deploymentKafkaConfig', () => {
  it('does not read any secret on a local stage', async () => {
    process.env.KAFKA_BROKERS = '127.0.0.1:19092';
    process.env.KAFKA_SECRET_ARN = '';
    const read = jest.fn();
    const config = await deploymentKafkaConfig(read);
    expect(read).not.toHaveBeenCalled();
    expect(config).toEqual(kafkaConfig(['127.0.0.1:19092']));
  });

  it('authenticates with the secret of KAFKA_SECRET_ARN on a deployed stage', async () => {
    process.env.KAFKA_BROKERS = 'b-1.example:9096, b-2.example:9096';
    process.env.KAFKA_SECRET_ARN = secretArn;
    const read = jest.fn(async () => credentials);
    const config = await deploymentKafkaConfig(read);
    expect(read).toHaveBeenCalledWith(secretArn);
    expect(config).toEqual(kafkaConfig(['b-1.example:9096', 'b-2.example:9096'], credentials));
  });

  it('fails when the secret cannot be read, rather than falling back to plaintext', async () => {
    process.env.KAFKA_BROKERS = 'b-1.example:9096';
    process.env.KAFKA_SECRET_ARN = secretArn;
    await expect(
      deploymentKafkaConfig(async () => Promise.reject(new Error('AccessDenied'))),
    ).rejects.toThrow('AccessDenied');
  });
});

describe('the mechanism of the mappings', () => {
  it('is the one the producers use: SCRAM-SHA-512 (saslScram512Auth)', async () => {
    process.env.PEAKCART_KAFKA_BOOTSTRAP_SERVERS = 'b-1.example:9096';
    process.env.PEAKCART_KAFKA_SECRET_ARN = secretArn;
    const prod = await stage(stageVariables('prod'));
    expect(Object.keys(prod.kafkaAccess)).toContain('saslScram512Auth');
    expect(kafkaConfig(['b-1.example:9096'], credentials).sasl?.mechanism).toBe('scram-sha-512');
  });
});
