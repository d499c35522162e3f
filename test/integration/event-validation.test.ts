/**
 * A domainEventConsumer-based function run by the Kafka trigger emulation against the test stack's
 * broker: good events are handled in order, and records that are not events of their topic are set
 * aside on the on-failure topic with the reason and their original bytes, without a retry, while
 * the consumer group moves past everything.
 */
import { randomUUID } from 'node:crypto';
import type { MSKEvent } from '@aws-lambda-powertools/kafka/types';
import type { Admin, KafkaMessage, Producer } from 'kafkajs';
import type { DomainEvent } from '../../shared/events/envelope';
import { topics } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { domainEventConsumer } from '../../shared/kafka/consumer';
import { failureHeaders } from '../../shared/kafka/failure-topic';
import { memberEvent } from '../../shared/members/events';
import { EventSourceMapping, type KafkaHandler, type TriggerDefinition } from '../../stack/kafka-triggers';
import { committedOffset, connectedProducer, createTestTopic, eventually, testKafka } from '../support/kafka';

let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  admin = testKafka.admin();
  await admin.connect();
  producer = await connectedProducer();
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await closeKafka();
});

const now = new Date();
const loggedIn = (memberId: string) => memberEvent('MemberLoggedIn', memberId, {}, now);

describe('a domainEventConsumer under the Kafka trigger emulation', () => {
  it('handles the good events in order and sets poison records aside on the on-failure topic', async () => {
    const topic = await createTestTopic(admin, 'event-validation');
    // Would receive what the mapping gives up on: a poison record must never get there.
    const mappingFailureTopic = await createTestTopic(admin, 'event-validation-given-up');
    const definition: TriggerDefinition = {
      functionKey: 'event-validation',
      functionName: `peakcart-test-event-validation-${randomUUID().slice(0, 8)}`,
      handler: 'event-validation.handler',
      timeoutSeconds: 10,
      memorySize: 256,
      environment: {},
      eventSource: 'SelfManagedKafka',
      bootstrapServers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:29092').split(','),
      topic,
      consumerGroupId: `group-${topic}`,
      batchSize: 3,
      maximumBatchingWindowSeconds: 0.05,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 2,
      reportBatchItemFailures: true,
      onFailureTopic: mappingFailureTopic,
    };

    const handled: DomainEvent[] = [];
    const consumer = domainEventConsumer(
      async (event) => {
        handled.push(event);
      },
      { topicKeyOf: (name) => (name === topic ? 'memberEvents' : undefined) },
    );
    const responses: unknown[] = [];
    // Powertools types the event as MSK's; a self-managed Kafka event carries the same records.
    const handler: KafkaHandler = async (event, context) => {
      const response = await consumer(event as unknown as MSKEvent, context);
      responses.push(response);
      return response;
    };

    const good = ['m1', 'm2', 'm3', 'm4'].map(loggedIn);
    const unknownVersion = { ...loggedIn('m5'), schemaVersion: 2 };
    const badData = { ...loggedIn('m6'), data: { memberId: 'm6', email: 'm6@example.com' } };
    const records = [
      { key: 'm1', value: JSON.stringify(good[0]) },
      { key: 'bad-json', value: '{"type": "MemberLoggedIn",', headers: { trace: 'trace-1' } },
      { key: 'm2', value: JSON.stringify(good[1]) },
      { key: 'bad-envelope', value: JSON.stringify({ type: 'MemberLoggedIn', data: { memberId: 'x' } }) },
      { key: 'm5', value: JSON.stringify(unknownVersion) },
      { key: 'm3', value: JSON.stringify(good[2]) },
      { key: 'm6', value: JSON.stringify(badData) },
      { key: 'not-utf8', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) },
      { key: 'm4', value: JSON.stringify(good[3]) },
    ];
    const poison = [
      { offset: 1, reason: 'not UTF-8 JSON: ' },
      { offset: 3, reason: 'not a domain event envelope: id: Invalid input' },
      { offset: 4, reason: 'unknown schema version 2 of MemberLoggedIn (known: 1)' },
      { offset: 6, reason: 'invalid MemberLoggedIn v1 data: data: Unrecognized key: "email"' },
      { offset: 7, reason: 'not UTF-8 JSON: ' },
    ];
    await producer.send({ topic, messages: records });

    const setAside: KafkaMessage[] = [];
    const watcher = testKafka.consumer({ groupId: `event-validation-${randomUUID()}` });
    await watcher.connect();
    await watcher.subscribe({ topic: topics.triggerFailures as string, fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ message }) => {
        if (message.headers?.[failureHeaders.sourceTopic]?.toString() === topic) setAside.push(message);
      },
    });
    const mapping = new EventSourceMapping(definition, handler, { initialBackoffMs: 20, maxBackoffMs: 100 });
    try {
      await mapping.start();
      await eventually(
        'the commit past every record',
        async () =>
          (await committedOffset(admin, definition.consumerGroupId, topic)) === records.length || undefined,
      );
      await eventually('every poison record on the on-failure topic', () =>
        setAside.length >= poison.length ? true : undefined,
      );

      expect(handled.map((event) => event.id)).toEqual(good.map((event) => event.id));
      expect(handled).toEqual(good);
      expect(responses.length).toBeGreaterThanOrEqual(3);
      expect(responses).toEqual(responses.map(() => ({ batchItemFailures: [] })));
      expect((await admin.fetchTopicOffsets(mappingFailureTopic))[0]?.high).toBe('0');

      const header = (message: KafkaMessage, name: string) => message.headers?.[name]?.toString();
      const sourceOffset = (message: KafkaMessage) => Number(header(message, failureHeaders.sourceOffset));
      // Keyed by their original keys, the records land on several partitions of the failure topic.
      setAside.sort((a, b) => sourceOffset(a) - sourceOffset(b));
      expect(setAside.map(sourceOffset)).toEqual(poison.map(({ offset }) => offset));
      for (const [index, message] of setAside.entries()) {
        const { offset, reason } = poison[index] ?? { offset: -1, reason: '' };
        const original = records[offset];
        expect(header(message, failureHeaders.error)).toContain(reason);
        expect(message.value).toEqual(Buffer.from(original?.value ?? ''));
        expect(message.key?.toString()).toBe(original?.key);
        expect(header(message, failureHeaders.sourcePartition)).toBe('0');
        expect(header(message, failureHeaders.functionName)).toBe(definition.functionName);
        expect(header(message, failureHeaders.attempts)).toBe('1');
        expect(Number.isNaN(Date.parse(header(message, failureHeaders.failedAt) ?? ''))).toBe(false);
      }
      expect(setAside[0]?.headers?.trace?.toString()).toBe('trace-1');
    } finally {
      await mapping.stop();
      await watcher.disconnect();
    }
  });
});
