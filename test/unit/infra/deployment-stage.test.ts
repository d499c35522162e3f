/**
 * What a deployed stage of serverless.yml gets from the environment at package time: the Kafka
 * secret for mappings and producers alike, and a VPC only when both of its settings are given.
 */
import { stage } from '../../../shared/infra/serverless';
import { stageVariables } from '../../support/serverless';

const deployment: Record<string, string> = {
  PEAKCART_KAFKA_BOOTSTRAP_SERVERS: 'b-1.example:9096,b-2.example:9096',
  PEAKCART_KAFKA_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:peakcart-kafka',
};
const vpcKeys = ['PEAKCART_VPC_SUBNET_IDS', 'PEAKCART_VPC_SECURITY_GROUP_IDS'];
const optionalKeys = [...vpcKeys, 'PEAKCART_PAYMENT_PROVIDER', 'PAYMENT_PROVIDER'];
const saved = Object.fromEntries(
  [...Object.keys(deployment), ...optionalKeys].map((key) => [key, process.env[key]]),
);

function packagingEnvironment(extra: Record<string, string> = {}) {
  for (const key of optionalKeys) delete process.env[key];
  Object.assign(process.env, deployment, extra);
}

const settingsOf = (name: string) => stage(stageVariables(name));

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('a deployed stage', () => {
  it('gives the functions the secret its event-source mappings authenticate with', async () => {
    packagingEnvironment();
    const prod = await settingsOf('prod');
    expect(prod.environment.KAFKA_SECRET_ARN).toBe(deployment.PEAKCART_KAFKA_SECRET_ARN);
    expect(prod.kafkaAccess).toEqual({ saslScram512Auth: [deployment.PEAKCART_KAFKA_SECRET_ARN] });
  });

  it('runs outside any VPC when none is given', async () => {
    packagingEnvironment();
    expect((await settingsOf('prod')).vpc).toBeNull();
  });

  it('places functions and mappings in the VPC of the given subnets and security groups', async () => {
    packagingEnvironment({
      PEAKCART_VPC_SUBNET_IDS: 'subnet-0a1, subnet-0b2',
      PEAKCART_VPC_SECURITY_GROUP_IDS: 'sg-0c3',
    });
    const prod = await settingsOf('prod');
    expect(prod.vpc).toEqual({ subnetIds: ['subnet-0a1', 'subnet-0b2'], securityGroupIds: ['sg-0c3'] });
    expect(prod.kafkaAccess).toEqual({
      saslScram512Auth: [deployment.PEAKCART_KAFKA_SECRET_ARN],
      vpcSubnet: ['subnet-0a1', 'subnet-0b2'],
      vpcSecurityGroup: ['sg-0c3'],
    });
  });

  it.each(vpcKeys)('refuses a VPC with only %s, naming both settings', async (key) => {
    packagingEnvironment({ [key]: key.includes('SUBNET') ? 'subnet-0a1' : 'sg-0c3' });
    await expect(settingsOf('prod')).rejects.toThrow(
      /PEAKCART_VPC_SUBNET_IDS and PEAKCART_VPC_SECURITY_GROUP_IDS/,
    );
  });
});

describe('the payment provider of a stage', () => {
  it('refuses to package a deployed stage with the sandbox, naming the setting', async () => {
    packagingEnvironment({ PEAKCART_PAYMENT_PROVIDER: 'sandbox' });
    await expect(settingsOf('prod')).rejects.toThrow(
      /PEAKCART_PAYMENT_PROVIDER=sandbox is a test mode that moves no money; stage prod is not local \(dev, test, cluster\)/,
    );
  });

  it('passes the provider a deployed stage names to its functions', async () => {
    packagingEnvironment({ PEAKCART_PAYMENT_PROVIDER: 'gateway' });
    expect((await settingsOf('prod')).environment.PAYMENT_PROVIDER).toBe('gateway');
    packagingEnvironment();
    // Unset: the functions that charge refuse to start, naming PAYMENT_PROVIDER.
    expect((await settingsOf('prod')).environment.PAYMENT_PROVIDER).toBe('');
  });

  it.each(['dev', 'test', 'cluster'])('gives local stage %s the sandbox', async (name) => {
    packagingEnvironment({ PEAKCART_PAYMENT_PROVIDER: 'gateway' });
    expect((await settingsOf(name)).environment.PAYMENT_PROVIDER).toBe('sandbox');
  });
});

describe('a local stage', () => {
  it('stays plaintext and outside any VPC, whatever the packaging environment says', async () => {
    packagingEnvironment({
      PEAKCART_VPC_SUBNET_IDS: 'subnet-0a1',
      PEAKCART_VPC_SECURITY_GROUP_IDS: 'sg-0c3',
    });
    const dev = await settingsOf('dev');
    expect(dev.environment.KAFKA_SECRET_ARN).toBe('');
    expect(dev.vpc).toBeNull();
    expect(dev.kafkaAccess).not.toHaveProperty('vpcSubnet');
  });
});
