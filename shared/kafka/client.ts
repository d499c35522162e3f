/**
 * Kafka clients, one set per Lambda container: created on first use, connected once and reused by
 * every invocation. Brokers come from KAFKA_BROKERS.
 */
import { type Admin, Kafka, logLevel, type Producer } from 'kafkajs';
import { requireEnv } from '../config/env';
import { serviceName } from '../infra';

let kafka: Kafka | undefined;
let admin: Promise<Admin> | undefined;
let producer: Promise<Producer> | undefined;

export function kafkaBrokers(): string[] {
  return requireEnv('KAFKA_BROKERS')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

function kafkaClient(): Kafka {
  kafka ??= new Kafka({
    clientId: serviceName,
    brokers: kafkaBrokers(),
    logLevel: logLevel.ERROR,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 2, initialRetryTime: 100 },
  });
  return kafka;
}

function connectOnce<T extends { connect(): Promise<void>; disconnect(): Promise<void> }>(
  client: T,
  reset: () => void,
): Promise<T> {
  return client.connect().then(
    () => client,
    async (error: unknown) => {
      // Let the next invocation try again instead of keeping a failed connection forever. A connect
      // that failed part-way (an idempotent producer whose broker is still loading) may have opened
      // sockets already, which would otherwise stay open for the life of the container.
      reset();
      await client.disconnect().catch(() => undefined);
      throw error;
    },
  );
}

/** The connected admin client. */
export function kafkaAdmin(): Promise<Admin> {
  admin ??= connectOnce(kafkaClient().admin(), () => {
    admin = undefined;
  });
  return admin;
}

/** The connected idempotent producer: a retried send never writes a record twice. */
export function kafkaProducer(): Promise<Producer> {
  producer ??= connectOnce(kafkaClient().producer({ idempotent: true, maxInFlightRequests: 1 }), () => {
    producer = undefined;
  });
  return producer;
}

/** Disconnects every client (tests and scripts; a Lambda container keeps them). */
export async function closeKafka(): Promise<void> {
  const clients = [admin, producer];
  admin = undefined;
  producer = undefined;
  await Promise.all(clients.map(async (client) => (await client?.catch(() => undefined))?.disconnect()));
}
