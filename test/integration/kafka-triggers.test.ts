/**
 * The Kafka trigger emulation against the real broker of the test stack: what a handler receives,
 * and what is committed, retried, re-delivered and sent to the on-failure topic.
 */
import type { Admin, KafkaMessage, Producer } from 'kafkajs';
import {
  EventSourceMapping,
  failureHeaders,
  type KafkaLambdaEvent,
  type KafkaLambdaRecord,
  type TriggerDefinition,
} from '../../stack/kafka-triggers';
import {
  committedOffset,
  connectedProducer,
  createTestTopic,
  eventually,
  testKafka,
  testTriggerDefinition,
} from '../support/kafka';

let admin: Admin;
let producer: Producer;
const running: EventSourceMapping[] = [];

beforeAll(async () => {
  admin = testKafka.admin();
  await admin.connect();
  producer = await connectedProducer();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((mapping) => mapping.stop()));
});

afterAll(async () => {
  await producer.disconnect();
  await admin.disconnect();
});

async function startMapping(
  definition: TriggerDefinition,
  handler: (event: KafkaLambdaEvent) => Promise<unknown>,
) {
  const mapping = new EventSourceMapping(definition, async (event) => handler(event), {
    initialBackoffMs: 20,
    maxBackoffMs: 100,
  });
  running.push(mapping);
  await mapping.start();
  return mapping;
}

const recordsOf = (event: KafkaLambdaEvent): KafkaLambdaRecord[] => Object.values(event.records).flat();
/** AWS's partial batch response for Kafka, naming one record. */
const failureOf = (record: Pick<KafkaLambdaRecord, 'topic' | 'partition' | 'offset'>) => ({
  itemIdentifier: { 'topic-partition': `${record.topic}-${record.partition}`, offset: record.offset },
});
const decodedValue = (record: KafkaLambdaRecord) => Buffer.from(record.value ?? '', 'base64').toString();

async function produce(topic: string, values: string[]): Promise<void> {
  await producer.send({ topic, messages: values.map((value) => ({ key: 'k', value })) });
}

describe('Kafka trigger emulation', () => {
  it('delivers a record as Lambda does: grouped by topic-partition, base64 key and value, byte-array headers', async () => {
    const topic = await createTestTopic(admin, 'shape');
    const key = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    const value = Buffer.from([0xc3, 0x28, 0x00, 0x7f, 0xfe]);
    const events: KafkaLambdaEvent[] = [];
    await startMapping(testTriggerDefinition(topic), async (event) => {
      events.push(event);
    });
    await producer.send({
      topic,
      messages: [{ key, value, headers: { trace: 'abc', binary: Buffer.from([1, 2, 255]) } }],
    });

    const event = await eventually('the event', () => events[0]);
    expect(event.eventSource).toBe('SelfManagedKafka');
    expect(event.bootstrapServers).toBe(testTriggerDefinition(topic).bootstrapServers.join(','));
    expect(Object.keys(event.records)).toEqual([`${topic}-0`]);
    const [record] = recordsOf(event);
    expect(record).toMatchObject({ topic, partition: 0, offset: 0, timestampType: 'CREATE_TIME' });
    expect(typeof record?.timestamp).toBe('number');
    expect(Buffer.from(record?.key ?? '', 'base64')).toEqual(key);
    expect(Buffer.from(record?.value ?? '', 'base64')).toEqual(value);
    expect(record?.headers).toEqual([{ trace: [...Buffer.from('abc')] }, { binary: [1, 2, 255] }]);
  });

  it('starts a new group at the end of the topic with LATEST', async () => {
    const topic = await createTestTopic(admin, 'latest');
    await produce(topic, ['before']);
    const seen: string[] = [];
    await startMapping(testTriggerDefinition(topic, { startingPosition: 'LATEST' }), async (event) => {
      seen.push(...recordsOf(event).map(decodedValue));
    });
    await produce(topic, ['after']);

    await eventually('the record produced after the start', () => seen.includes('after') || undefined);
    expect(seen).toEqual(['after']);
  });

  it('waits up to the batching window to fill a batch', async () => {
    const topic = await createTestTopic(admin, 'window');
    const batches: string[][] = [];
    await startMapping(
      testTriggerDefinition(topic, { batchSize: 10, maximumBatchingWindowSeconds: 2 }),
      async (event) => {
        batches.push(recordsOf(event).map(decodedValue));
      },
    );
    for (const value of ['w1', 'w2', 'w3']) {
      await produce(topic, [value]);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }

    await eventually('the batch', () => batches[0]);
    expect(batches).toEqual([['w1', 'w2', 'w3']]);
  });

  it('counts the batching window of a partial batch from its fetch, not from the end of the batches before it', async () => {
    const topic = await createTestTopic(admin, 'window-fetched');
    await produce(
      topic,
      Array.from({ length: 250 }, (_, index) => `f${index}`),
    );
    const windowMs = 2_000;
    const invocations: Array<{ records: number; startedAt: number }> = [];
    await startMapping(
      testTriggerDefinition(topic, { batchSize: 100, maximumBatchingWindowSeconds: windowMs / 1_000 }),
      async (event) => {
        invocations.push({ records: recordsOf(event).length, startedAt: Date.now() });
        // A handler that takes a while, so that the full batches end well inside the window.
        await new Promise((resolve) => setTimeout(resolve, 400));
      },
    );

    const [first, , partial] = await eventually('the partial batch', () =>
      invocations.length >= 3 ? invocations : undefined,
    );
    expect(invocations.map(({ records }) => records)).toEqual([100, 100, 50]);
    const waited = (partial?.startedAt ?? 0) - (first?.startedAt ?? 0);
    // Fetched with the first batch: the window closes about 2 s after it started, where counting
    // from the end of the second batch (0.8 s in) would make it 2.8 s.
    expect(waited).toBeGreaterThanOrEqual(windowMs - 100);
    expect(waited).toBeLessThan(windowMs + 400);
  });

  it('honours batchSize and keeps the records of a partition in order', async () => {
    const topic = await createTestTopic(admin, 'order');
    const values = Array.from({ length: 250 }, (_, index) => `v${index}`);
    await produce(topic, values);
    const batches: string[][] = [];
    await startMapping(testTriggerDefinition(topic, { batchSize: 40 }), async (event) => {
      batches.push(recordsOf(event).map(decodedValue));
    });

    await eventually('every record', () => batches.flat().length >= values.length || undefined);
    expect(batches.flat()).toEqual(values);
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(40);
  });

  it('retries a handler that throws and commits nothing until it succeeds', async () => {
    const topic = await createTestTopic(admin, 'retry');
    await produce(topic, ['a', 'b']);
    const definition = testTriggerDefinition(topic, { maximumRetryAttempts: 5 });
    let calls = 0;
    let offsetWhileFailing = Number.NaN;
    await startMapping(definition, async () => {
      calls++;
      if (calls === 2) offsetWhileFailing = await committedOffset(admin, definition.consumerGroupId, topic);
      if (calls < 3) throw new Error('downstream unavailable');
    });

    await eventually(
      'the committed offset after success',
      async () => (await committedOffset(admin, definition.consumerGroupId, topic)) === 2 || undefined,
    );
    expect(calls).toBe(3);
    expect(offsetWhileFailing).toBe(-1);
  });

  it('re-delivers only from the failed offset after a partial batch failure', async () => {
    const topic = await createTestTopic(admin, 'partial');
    await produce(topic, ['r0', 'r1', 'r2', 'r3', 'r4']);
    const definition = testTriggerDefinition(topic);
    const deliveries: number[][] = [];
    await startMapping(definition, async (event) => {
      const offsets = recordsOf(event).map((record) => record.offset);
      deliveries.push(offsets);
      // The first delivery fails at offset 2; the second succeeds.
      if (deliveries.length === 1)
        return { batchItemFailures: [failureOf({ topic, partition: 0, offset: 2 })] };
      return { batchItemFailures: [] };
    });

    await eventually('the second delivery', () => deliveries[1]);
    expect(deliveries[0]).toEqual([0, 1, 2, 3, 4]);
    expect(deliveries[1]).toEqual([2, 3, 4]);
    await eventually(
      'the commit of every record',
      async () => (await committedOffset(admin, definition.consumerGroupId, topic)) === 5 || undefined,
    );
  });

  it('sends a poison record to the on-failure topic with the error, and later records still flow', async () => {
    const topic = await createTestTopic(admin, 'poison');
    const onFailureTopic = await createTestTopic(admin, 'on-failure');
    const definition = testTriggerDefinition(topic, {
      maximumRetryAttempts: 2,
      onFailureTopic,
      batchSize: 10,
    });
    const handled: string[] = [];
    let poisonAttempts = 0;
    await startMapping(definition, async (event) => {
      for (const record of recordsOf(event)) {
        if (decodedValue(record) === 'poison') {
          poisonAttempts++;
          return { batchItemFailures: [failureOf(record)] };
        }
        handled.push(decodedValue(record));
      }
      return {};
    });

    const failed: KafkaMessage[] = [];
    const dlq = testKafka.consumer({ groupId: `dlq-${onFailureTopic}` });
    await dlq.connect();
    await dlq.subscribe({ topic: onFailureTopic, fromBeginning: true });
    await dlq.run({ eachMessage: async ({ message }) => void failed.push(message) });
    try {
      await produce(topic, ['ok-1', 'poison', 'ok-2']);
      await eventually('the poison record on the on-failure topic', () => failed[0]);
      await produce(topic, ['ok-3']);
      await eventually('the record after the poison', () => handled.includes('ok-3') || undefined);

      expect(poisonAttempts).toBe(3);
      expect(failed).toHaveLength(1);
      const [message] = failed;
      expect(message?.value?.toString()).toBe('poison');
      expect(message?.key?.toString()).toBe('k');
      const header = (name: string) => message?.headers?.[name]?.toString();
      expect(header(failureHeaders.sourceTopic)).toBe(topic);
      expect(header(failureHeaders.sourceOffset)).toBe('1');
      expect(header(failureHeaders.attempts)).toBe('3');
      expect(header(failureHeaders.error)).toContain('batch item failures at offsets 1');
      expect(handled.filter((value) => value === 'ok-1')).toHaveLength(1);
      expect(handled).toContain('ok-2');
      await eventually(
        'the commit past every record',
        async () => (await committedOffset(admin, definition.consumerGroupId, topic)) === 4 || undefined,
      );
    } finally {
      await dlq.disconnect();
    }
  });

  it('sends the whole batch of a handler that keeps throwing to the on-failure topic and moves on', async () => {
    const topic = await createTestTopic(admin, 'throws');
    const onFailureTopic = await createTestTopic(admin, 'throws-failures');
    const definition = testTriggerDefinition(topic, {
      maximumRetryAttempts: 1,
      onFailureTopic,
      reportBatchItemFailures: false,
    });
    await produce(topic, ['x', 'y']);
    let calls = 0;
    await startMapping(definition, async () => {
      calls++;
      throw new TypeError('cannot read the record');
    });

    await eventually(
      'the commit past the failed batch',
      async () => (await committedOffset(admin, definition.consumerGroupId, topic)) === 2 || undefined,
    );
    expect(calls).toBe(2);
    const latest = await admin.fetchTopicOffsets(onFailureTopic);
    expect(latest[0]?.high).toBe('2');
  });
});
