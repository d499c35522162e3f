/** Kafka helpers for tests against the test stack's broker. */
import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import type { DomainEvent } from '../../shared/events/envelope';
import { lambdaEvent, lambdaRecord, type TriggerDefinition } from '../../stack/kafka-triggers';

/** The brokers of the stack the tests run against (the test profile's, or the cluster's). */
const testBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(',');

export const testKafka = new Kafka({
  clientId: 'peakcart-tests',
  brokers: testBrokers,
  logLevel: logLevel.NOTHING,
});

/** A Kafka trigger of a test consumer on the topic: small batches, a short window, two retries. */
export function testTriggerDefinition(
  topic: string,
  overrides: Partial<TriggerDefinition> = {},
): TriggerDefinition {
  return {
    functionKey: 'test-consumer',
    functionName: 'peakcart-test-test-consumer',
    handler: 'test.handler',
    timeoutSeconds: 10,
    memorySize: 256,
    environment: {},
    eventSource: 'SelfManagedKafka',
    bootstrapServers: testBrokers,
    topic,
    consumerGroupId: `group-${topic}`,
    batchSize: 100,
    maximumBatchingWindowSeconds: 0.05,
    startingPosition: 'TRIM_HORIZON',
    maximumRetryAttempts: 2,
    reportBatchItemFailures: true,
    ...overrides,
  };
}

/** Creates a topic with a unique name for one test. */
export async function createTestTopic(admin: Admin, prefix: string, partitions = 1): Promise<string> {
  const topic = `test.${prefix}.${randomUUID().slice(0, 8)}`;
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  return topic;
}

/** Resolves once the condition holds, polling; rejects with the description after the timeout. */
export async function eventually<T>(
  description: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The committed offset (next record to read) of a group on partition 0, or -1 when none. */
export async function committedOffset(
  admin: Admin,
  groupId: string,
  topic: string,
  partition = 0,
): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const entry = offsets?.partitions.find((candidate) => candidate.partition === partition);
  return Number(entry?.offset ?? -1);
}

export async function connectedProducer(): Promise<Producer> {
  const producer = testKafka.producer();
  await producer.connect();
  return producer;
}

/**
 * The Kafka event Lambda would hand a consumer for these records of partition 0 of `topic`, built
 * as the trigger emulation builds it.
 */
export function lambdaKafkaEvent(topic: string, records: readonly { offset: number; event: DomainEvent }[]) {
  return lambdaEvent(
    testTriggerDefinition(topic),
    0,
    records.map(({ offset, event }) =>
      lambdaRecord(topic, 0, {
        key: Buffer.from(event.key),
        value: Buffer.from(JSON.stringify(event)),
        offset: String(offset),
        timestamp: String(Date.parse(event.time)),
        headers: {},
      } as KafkaMessage),
    ),
  );
}
