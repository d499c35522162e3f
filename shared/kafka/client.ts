/**
 * Kafka clients, one set per Lambda container: created on first use, connected once and reused by
 * every invocation. Brokers come from KAFKA_BROKERS. With KAFKA_SECRET_ARN (deployed stages) the
 * clients use TLS and SASL/SCRAM-512 with the event-source mappings' secret; without it (local
 * stages) they speak plaintext.
 */
import { type Admin, Kafka, type KafkaConfig, logLevel, Partitioners, type Producer } from 'kafkajs';
import { optionalEnv, requireEnv } from '../config/env';
import { serviceName } from '../infra';
import { cachedScramCredentials, type ScramCredentials } from './credentials';

let kafka: Promise<Kafka> | undefined;
let admin: Promise<Admin> | undefined;
let producer: Promise<Producer> | undefined;

export function kafkaBrokers(): string[] {
  return requireEnv('KAFKA_BROKERS')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

/**
 * kafkajs settings for these brokers: with credentials, TLS and SASL/SCRAM-512, the mechanism of
 * the mappings' `saslScram512Auth` (Lambda supports SCRAM over TLS only); without, plaintext.
 */
export function kafkaConfig(brokers: string[], credentials?: ScramCredentials): KafkaConfig {
  return {
    clientId: serviceName,
    brokers,
    logLevel: logLevel.ERROR,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 2, initialRetryTime: 100 },
    ...(credentials && {
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: credentials.username, password: credentials.password },
    }),
  };
}

/** The credentials of the deployment's secret; the Secrets Manager client loads on the first read. */
const secretCredentials = cachedScramCredentials(async (secretId) =>
  (await import('../secrets/secrets-manager')).secretString(secretId),
);

/**
 * The kafkajs settings of this deployment, from KAFKA_BROKERS and KAFKA_SECRET_ARN. `credentialsOf`
 * reads the secret (Secrets Manager, once per container, unless a test gives another reader); it
 * is not called when no secret is set.
 */
export async function deploymentKafkaConfig(
  credentialsOf: (secretId: string) => Promise<ScramCredentials> = secretCredentials,
): Promise<KafkaConfig> {
  const secretId = optionalEnv('KAFKA_SECRET_ARN');
  return kafkaConfig(kafkaBrokers(), secretId === undefined ? undefined : await credentialsOf(secretId));
}

function kafkaClient(): Promise<Kafka> {
  kafka ??= deploymentKafkaConfig().then(
    (config) => new Kafka(config),
    (error: unknown) => {
      // A secret that could not be read is read again by the next invocation.
      kafka = undefined;
      throw error;
    },
  );
  return kafka;
}

async function connectOnce<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  create: (cluster: Kafka) => T,
  reset: () => void,
): Promise<T> {
  let client: T;
  try {
    client = create(await kafkaClient());
  } catch (error) {
    reset();
    throw error;
  }
  try {
    await client.connect();
    return client;
  } catch (error) {
    // Let the next invocation try again instead of keeping a failed connection forever. A connect
    // that failed part-way (an idempotent producer whose broker is still loading) may have opened
    // sockets already, which would otherwise stay open for the life of the container.
    reset();
    await client.disconnect().catch(() => undefined);
    throw error;
  }
}

/** The connected admin client. */
export function kafkaAdmin(): Promise<Admin> {
  admin ??= connectOnce(
    (cluster) => cluster.admin(),
    () => {
      admin = undefined;
    },
  );
  return admin;
}

/** The connected idempotent producer: a retried send never writes a record twice. */
export function kafkaProducer(): Promise<Producer> {
  producer ??= connectOnce(
    // The partitioner named, not defaulted: kafkajs warns on every producer that leaves it unset.
    (cluster) =>
      cluster.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    () => {
      producer = undefined;
    },
  );
  return producer;
}

/** Disconnects every client (tests and scripts; a Lambda container keeps them). */
export async function closeKafka(): Promise<void> {
  const clients = [admin, producer];
  admin = undefined;
  producer = undefined;
  await Promise.all(clients.map(async (client) => (await client?.catch(() => undefined))?.disconnect()));
}
