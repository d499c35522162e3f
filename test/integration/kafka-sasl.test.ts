/**
 * The producers' path on a deployed stage, against a real broker: Apache Kafka 4 (KRaft) with a
 * SASL_SSL listener and a SCRAM-SHA-512 user, like the brokers Lambda's mappings reach with
 * `SASL_SCRAM_512_AUTH`. The secret comes through the reader seam instead of Secrets Manager. The
 * broker is this file's own, on free ports; it needs Java and the stack's Kafka jars, not the stack.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';
import { deploymentKafkaConfig } from '../../shared/kafka/client';
import { cachedScramCredentials } from '../../shared/kafka/credentials';
import { javaExecutable, mavenDependencies } from '../../stack/components/maven';
import { runCommand } from '../../stack/components/processes';

const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:peakcart-kafka';
const username = 'peakcart';
const password = randomBytes(18).toString('base64url');
const topic = 'peakcart.sasl-check';

/** The test stack's brokers, which the other files of the run expect back. */
const stackBrokers = process.env.KAFKA_BROKERS;
let dir: string;
let broker: ChildProcess | undefined;
let brokerPort: number;
let certificate: string;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The deployed stage's kafkajs settings with the secret `secret`. The test broker's certificate is
 * self-signed, so TLS trusts it explicitly instead of Node's CA bundle; everything else is as built.
 */
async function deployedConfig(secret: string): Promise<KafkaConfig> {
  process.env.KAFKA_BROKERS = `127.0.0.1:${brokerPort}`;
  process.env.KAFKA_SECRET_ARN = secretArn;
  const config = await deploymentKafkaConfig(cachedScramCredentials(async () => secret));
  expect(config.ssl).toBe(true);
  return { ...config, ssl: { ca: [certificate] }, logLevel: logLevel.NOTHING };
}

const secretOf = (credentials: { username: string; password: string }) => JSON.stringify(credentials);

/** Resolves once an authenticated admin client can describe the cluster. */
async function brokerReady(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const admin = new Kafka({
      ...(await deployedConfig(secretOf({ username, password }))),
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.controller !== null) return;
    } catch (error) {
      if (broker?.exitCode !== null || Date.now() > deadline) throw error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'peakcart-kafka-sasl-'));
  const java = javaExecutable();
  const classpath = `${await mavenDependencies('kafka', () => undefined)}/*`;
  const keystore = path.join(dir, 'broker.p12');
  const storePassword = randomBytes(12).toString('base64url');
  // keytool sits beside java ($JAVA_HOME/bin, or PATH when java is found there).
  const keytool = path.join(path.dirname(java), 'keytool');
  await runCommand(
    'keytool could not create the broker certificate',
    keytool,
    [
      '-genkeypair',
      '-alias',
      'broker',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-validity',
      '1',
      '-dname',
      'CN=127.0.0.1',
      '-ext',
      'SAN=IP:127.0.0.1',
      '-storetype',
      'PKCS12',
      '-keystore',
      keystore,
      '-storepass',
      storePassword,
    ],
    60_000,
  );
  const certificateFile = path.join(dir, 'broker.pem');
  await runCommand(
    'keytool could not export the broker certificate',
    keytool,
    [
      '-exportcert',
      '-rfc',
      '-alias',
      'broker',
      '-keystore',
      keystore,
      '-storepass',
      storePassword,
      '-file',
      certificateFile,
    ],
    60_000,
  );
  certificate = readFileSync(certificateFile, 'utf8');

  const [internalPort, controllerPort] = [await freePort(), await freePort()];
  brokerPort = await freePort();
  const config = path.join(dir, 'server.properties');
  writeFileSync(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=INTERNAL://127.0.0.1:${internalPort},EXTERNAL://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=INTERNAL://127.0.0.1:${internalPort},EXTERNAL://127.0.0.1:${brokerPort}`,
      'listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=INTERNAL',
      'controller.listener.names=CONTROLLER',
      'listener.name.external.sasl.enabled.mechanisms=SCRAM-SHA-512',
      'listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'ssl.keystore.type=PKCS12',
      `ssl.keystore.location=${keystore}`,
      `ssl.keystore.password=${storePassword}`,
      `log.dirs=${path.join(dir, 'data')}`,
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      '',
    ].join('\n'),
  );
  await runCommand(
    'kafka: could not format its storage',
    java,
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      randomBytes(16).toString('base64url').replace(/^-/, 'A'),
      '-c',
      config,
      '--add-scram',
      `SCRAM-SHA-512=[name=${username},password=${password}]`,
    ],
    60_000,
  );
  broker = spawn(
    java,
    ['-Xms128m', '-Xmx384m', '-XX:+UseSerialGC', '-cp', classpath, 'kafka.Kafka', config],
    {
      stdio: 'ignore',
    },
  );
  await brokerReady(90_000);
}, 180_000);

afterAll(async () => {
  if (broker && broker.exitCode === null) {
    const exited = new Promise((resolve) => broker?.once('exit', resolve));
    broker.kill('SIGTERM');
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (grace = setTimeout(resolve, 15_000)))]);
    clearTimeout(grace);
    if (broker.exitCode === null) broker.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  if (stackBrokers === undefined) delete process.env.KAFKA_BROKERS;
  else process.env.KAFKA_BROKERS = stackBrokers;
  delete process.env.KAFKA_SECRET_ARN;
}, 30_000);

describe("a deployed stage's producer", () => {
  it('writes to a SASL_SSL broker with the SCRAM-SHA-512 user of the secret', async () => {
    const kafka = new Kafka(await deployedConfig(secretOf({ username, password })));
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: [{ key: 'member-1', value: '{"type":"check"}' }] });
      const [partition] = await admin.fetchTopicOffsets(topic);
      expect(partition?.high).toBe('1');
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it('is refused with a wrong password', async () => {
    const config = await deployedConfig(secretOf({ username, password: `${password}-old` }));
    const admin = new Kafka({ ...config, retry: { retries: 0 } }).admin();
    await expect(admin.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/i);
    await admin.disconnect();
  });
});
