/**
 * The Kafka trigger emulation and the outbox relay against the cluster profile's three brokers,
 * with one broker killed while records are produced and relayed: topics have three replicas and
 * need two in sync, so nothing acknowledged may be lost, and every record must still reach the
 * handler and every outbox entry Kafka.
 */
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Admin, Producer } from 'kafkajs';
import { closeDynamo, dynamoClient } from '../../shared/dynamo/client';
import { topicName } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { memberEvent } from '../../shared/members/events';
import { eventEntry, outboxPut } from '../../shared/outbox/entries';
import { pendingEntries, relayPending } from '../../shared/outbox/outbox';
import { kafka as kafkaComponent } from '../../stack/components/kafka';
import { EventSourceMapping, type KafkaLambdaEvent } from '../../stack/kafka-triggers';
import { kafkaBrokerList, loadProfile } from '../../stack/profiles';
import { killNode, up } from '../../stack/stack';
import { eventually, testKafka, testTriggerDefinition } from '../support/kafka';

const profile = loadProfile('cluster');
const quiet = () => undefined;
let admin: Admin;

beforeAll(async () => {
  // A node an earlier run left stopped starts again; a running cluster is only checked.
  await up(profile, quiet, [kafkaComponent]);
  admin = testKafka.admin();
  await admin.connect();
}, 180_000);

afterAll(async () => {
  await admin.disconnect();
  await closeKafka();
  closeDynamo();
});

/** The index (from 0) of the node leading a partition of the topic. */
async function leaderOf(topic: string, partition = 0): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const leader = topics[0]?.partitions.find((entry) => entry.partitionId === partition)?.leader;
  if (leader === undefined) throw new Error(`no leader for ${topic}-${partition}`);
  return leader - 1;
}

/** Whether every partition of every topic has all three replicas in sync. */
async function allInSync(): Promise<boolean> {
  const { topics } = await admin.fetchTopicMetadata();
  return topics.every((topic) => topic.partitions.every((partition) => partition.isr.length === 3));
}

/**
 * Sends to one partition until the brokers acknowledge it (acks=all), as a producer riding out a
 * failover does. One partition per send: see publishEvents (shared/kafka/events.ts) for what
 * kafkajs does with a send across partitions whose leader moves.
 */
async function sendAcknowledged(producer: Producer, topic: string, partition: number, values: string[]) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await producer.send({ topic, acks: -1, messages: values.map((value) => ({ partition, value })) });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

describe('a topic of three replicas with one broker killed', () => {
  it('delivers every record to the trigger handler at least once, and the broker rejoins', async () => {
    const topic = `test.cluster-trigger.${randomUUID().slice(0, 8)}`;
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions: 3,
          replicationFactor: 3,
          configEntries: [{ name: 'min.insync.replicas', value: '2' }],
        },
      ],
    });
    const delivered = new Set<string>();
    const mapping = new EventSourceMapping(
      testTriggerDefinition(topic, {
        functionKey: 'cluster-consumer',
        functionName: 'peakcart-cluster-consumer',
        bootstrapServers: kafkaBrokerList(profile),
        reportBatchItemFailures: false,
      }),
      async (event: KafkaLambdaEvent) => {
        for (const record of Object.values(event.records).flat()) {
          delivered.add(Buffer.from(record.value ?? '', 'base64').toString());
        }
      },
      { initialBackoffMs: 50, maxBackoffMs: 500 },
    );
    const producer = testKafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await mapping.start();
    const sent: string[] = [];
    try {
      const victim = await leaderOf(topic);
      for (let batch = 0; batch < 30; batch += 1) {
        const values = Array.from({ length: 10 }, (_, index) => `r-${batch}-${index}`);
        await sendAcknowledged(producer, topic, batch % 3, values);
        sent.push(...values);
        if (batch === 10) await killNode(profile, kafkaComponent, victim);
      }
      await eventually(
        'every acknowledged record at the handler',
        () => sent.every((value) => delivered.has(value)),
        90_000,
      );
      expect(sent).toHaveLength(300);
      expect(sent.filter((value) => !delivered.has(value))).toEqual([]);

      // The killed node starts again with its log and catches up: every partition in sync on three.
      await up(profile, quiet, [kafkaComponent]);
      expect((await admin.describeCluster()).brokers).toHaveLength(3);
      await eventually('every replica in sync again', allInSync, 60_000);
    } finally {
      await producer.disconnect();
      await mapping.stop();
    }
  }, 240_000);

  it('relays every outbox entry to Kafka though the broker leading its partition was killed', async () => {
    const memberId = `m-${randomUUID()}`;
    const entries = Array.from({ length: 60 }, (_, index) =>
      eventEntry('memberEvents', memberEvent('MemberLoggedIn', `${memberId}-${index % 12}`, {}, new Date())),
    );
    const topic = topicName('memberEvents');
    const victim = await leaderOf(topic);
    // Written the way checkout writes them, as part of a transaction, and left for the relay.
    const write = async (slice: typeof entries) => {
      for (let start = 0; start < slice.length; start += 25) {
        await dynamoClient().send(
          new TransactWriteCommand({ TransactItems: slice.slice(start, start + 25).map(outboxPut) }),
        );
      }
    };
    await write(entries.slice(0, 30));
    await relayPending();
    await killNode(profile, kafkaComponent, victim);
    await write(entries.slice(30));
    // The scheduled relay runs again after a failed run; here it runs until nothing is pending.
    await eventually(
      'the relay with a broker down',
      async () => {
        const mine = (await pendingEntries()).filter((entry) =>
          entries.some((e) => e.eventId === entry.eventId),
        );
        if (mine.length === 0) return true;
        await relayPending().catch(() => 0);
        return undefined;
      },
      90_000,
    );

    const wanted = new Set(entries.map((entry) => entry.eventId));
    const seen = new Set<string>();
    const consumer = testKafka.consumer({ groupId: `outbox-check-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const id = (JSON.parse(String(message.value)) as { id: string }).id;
          if (wanted.has(id)) seen.add(id);
        },
      });
      await eventually('every relayed event on the topic', () => seen.size === wanted.size, 90_000);
    } finally {
      await consumer.disconnect();
    }
    expect([...wanted].filter((id) => !seen.has(id))).toEqual([]);
  }, 240_000);
});
