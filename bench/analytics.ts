/**
 * npm run bench:analytics — order events through the four analytics consumers until every total
 * is final, beside raw kafkajs consumption of the same topic in the same run.
 *
 * Fills a fresh topic (6 partitions, keyed by order like checkout's) with N order events (default
 * 200,000) of a peak hour: orders placed, paid, shipped, delivered, some cancelled or returned with
 * refunds. Then runs the project's Kafka trigger emulation with the real handlers of
 * analytics-purchases, -sales, -promotions and -revenue (each its own consumer group, the batch
 * settings of serverless.yml) and times until the counters in DynamoDB equal the totals computed
 * from the events themselves. Prints events/s end to end, the raw rate, the ratio, and how many
 * DynamoDB transactions the consumers needed.
 *
 *   npm run bench:analytics -- [--events 200000] [--profile dev|test]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { demoOrderEvents } from '../scripts/support/demo-orders';
import { useProfile } from '../scripts/support/profile';
import { run } from '../scripts/support/run';
import { CounterDeltas, type Report, reports } from '../shared/domain/analytics';
import { logger } from '../shared/logger';
import { EventSourceMapping, type KafkaHandler, type TriggerDefinition } from '../stack/kafka-triggers';
import { isProfileName, loadProfile } from '../stack/profiles';
import { componentNamed, down, up } from '../stack/stack';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    profile: { type: 'string', default: 'dev' },
  },
});
const eventCount = Number(values.events);
if (!isProfileName(values.profile)) throw new Error('--profile must be dev, test or cluster');
const profile = loadProfile(values.profile);
useProfile(values.profile);
process.env.LOG_LEVEL = 'WARN';
logger.setLogLevel('WARN');

const partitions = 6;
const timeoutMs = 15 * 60_000;
const hourMs = 3_600_000;

/** Per report: the sum over the values of its first dimension of each field, as the events say. */
function expectedTotals(report: Report, events: ReturnType<typeof demoOrderEvents>) {
  const deltas = new CounterDeltas(report);
  for (const event of events)
    deltas.add(report.contributions(event.type, event.data as never), Date.parse(event.time));
  return sumByField(
    [...deltas.items.values()]
      .filter(({ key }) => key.granularity === 'day' && key.dimension === firstDimension(report))
      .map(({ counters }) => Object.fromEntries(counters)),
  );
}

const firstDimension = (report: Report) => Object.keys(report.dimensions)[0] as string;

function sumByField(items: readonly Record<string, unknown>[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const attributes of items) {
    for (const [name, count] of Object.entries(attributes)) {
      const field = name.split(':')[0] as string;
      if (typeof count === 'number' && name.includes(':')) sums[field] = (sums[field] ?? 0) + count;
    }
  }
  return sums;
}

async function storedTotals(report: Report, fromDay: string, toDay: string) {
  const { counterItems } = await import('../shared/dynamo/analytics-store');
  const dimension = firstDimension(report);
  const shards = report.dimensions[dimension]?.shards ?? 1;
  const items = await counterItems(report.name, 'day', dimension, shards, fromDay, toDay);
  return sumByField(items.map((item) => item.attributes));
}

const sameTotals = (a: Record<string, number>, b: Record<string, number>) =>
  Object.keys({ ...a, ...b }).every((field) => (a[field] ?? 0) === (b[field] ?? 0));

async function fill(kafka: Kafka, topic: string, events: ReturnType<typeof demoOrderEvents>) {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let sent = 0; sent < events.length; sent += 5_000) {
    await producer.send({
      topic,
      messages: events.slice(sent, sent + 5_000).map((event) => ({
        key: event.key,
        value: JSON.stringify(event),
        headers: { 'event-type': event.type, 'schema-version': String(event.schemaVersion) },
      })),
    });
  }
  await producer.disconnect();
}

async function rawConsumption(kafka: Kafka, topic: string): Promise<number> {
  let received = 0;
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const started = performance.now();
  await consumer.run({
    partitionsConsumedConcurrently: partitions,
    eachBatch: async ({ batch }) => {
      // The same work a consumer does before counting: parse every event.
      for (const message of batch.messages) if (message.value) JSON.parse(message.value.toString());
      received += batch.messages.length;
    },
  });
  while (received < eventCount) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return seconds;
}

async function main(): Promise<void> {
  const { bucketOf } = await import('../shared/domain/analytics');
  // Brings up whatever of the stack is not running, and stops only that again.
  const { started } = await up(profile, () => undefined);
  const brokers = [`${profile.host}:${profile.kafkaPort}`];
  const kafka = new Kafka({ clientId: 'peakcart-bench', brokers, logLevel: logLevel.NOTHING });
  const topic = `bench.order-events.${randomUUID().slice(0, 8)}`;
  try {
    // A peak hour on a random day long ago, so no other run's counters share its buckets.
    const fromMs = Date.parse('2002-01-01T00:00:00Z') + Math.floor(Math.random() * 20_000) * 24 * hourMs;
    const toMs = fromMs + hourMs;
    const events = demoOrderEvents({ events: eventCount, fromMs, toMs, seed: 7 });
    const expected = Object.values(reports).map((report) => ({
      report,
      totals: expectedTotals(report, events),
    }));
    const counted = events.filter((event) =>
      ['OrderPaid', 'OrderCancelled', 'OrderReturned'].includes(event.type),
    );
    console.log(
      `${eventCount.toLocaleString('en')} order events (${counted.length.toLocaleString('en')} paid or refunded) of ${new Date(fromMs).toISOString().slice(0, 13)}h into ${topic} (profile ${values.profile})...`,
    );
    const fillStarted = performance.now();
    await fill(kafka, topic, events);
    console.log(`filled in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);

    const rawSeconds = await rawConsumption(kafka, topic);

    const fromDay = bucketOf('day', fromMs);
    const toDay = bucketOf('day', toMs);
    // Each report's consumer as its function builds it, reading the bench's own topic as the order topic.
    const { reportConsumer } = await import('../shared/analytics/report-consumer');
    const mappings = await Promise.all(
      Object.values(reports)
        .filter((report) => report.topics.includes('orderEvents'))
        .map(async (report) => {
          // The emulation's event type is its own; the records are Lambda's self-managed Kafka records.
          const handler = reportConsumer(report, {
            topicKeyOf: () => 'orderEvents',
          }) as unknown as KafkaHandler;
          const definition: TriggerDefinition = {
            functionKey: `analytics-${report.name}`,
            functionName: `peakcart-bench-analytics-${report.name}`,
            handler: `functions/analytics/${report.name}.handler`,
            timeoutSeconds: 60,
            memorySize: 512,
            environment: {},
            eventSource: 'SelfManagedKafka',
            bootstrapServers: brokers,
            topic,
            consumerGroupId: `bench-analytics-${report.name}-${randomUUID().slice(0, 8)}`,
            batchSize: 5_000,
            maximumBatchingWindowSeconds: 1,
            startingPosition: 'TRIM_HORIZON',
            maximumRetryAttempts: 3,
            reportBatchItemFailures: true,
          };
          let invocations = 0;
          return {
            report,
            invocations: () => invocations,
            mapping: new EventSourceMapping(definition, handler, {
              partitionsConsumedConcurrently: partitions,
              onDelivery: (delivery) => {
                invocations++;
                if (delivery.outcome !== 'success')
                  console.error(`${report.name}: ${delivery.outcome} ${delivery.error ?? ''}`);
              },
            }),
          };
        }),
    );
    const consumeStarted = performance.now();
    await Promise.all(mappings.map(({ mapping }) => mapping.start()));
    const finalAt = new Map<string, number>();
    const deadline = Date.now() + timeoutMs;
    while (finalAt.size < expected.length) {
      if (Date.now() > deadline) throw new Error(`totals not final within ${timeoutMs / 60_000} min`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      for (const { report, totals } of expected) {
        if (finalAt.has(report.name)) continue;
        if (sameTotals(totals, await storedTotals(report, fromDay, toDay)))
          finalAt.set(report.name, (performance.now() - consumeStarted) / 1000);
      }
    }
    const seconds = Math.max(...finalAt.values());
    await Promise.all(mappings.map(({ mapping }) => mapping.stop()));

    const rate = eventCount / seconds;
    const rawRate = eventCount / rawSeconds;
    console.log('');
    console.log('report        final after   events/s   invocations');
    for (const { report, invocations } of mappings) {
      const at = finalAt.get(report.name) ?? seconds;
      console.log(
        `${report.name.padEnd(13)} ${`${at.toFixed(1)} s`.padStart(11)} ${Math.round(eventCount / at)
          .toLocaleString('en')
          .padStart(10)} ${String(invocations()).padStart(13)}`,
      );
    }
    console.log('');
    console.log(
      `all four final:       ${seconds.toFixed(1)} s, ${Math.round(rate).toLocaleString('en')} events/s`,
    );
    console.log(
      `raw kafkajs (parse):  ${rawSeconds.toFixed(1)} s, ${Math.round(rawRate).toLocaleString('en')} events/s`,
    );
    console.log(`ratio:                ${(rate / rawRate).toFixed(3)}x`);
    console.log(`target >= 20,000 events/s: ${rate >= 20_000 ? 'PASS' : 'MISS'}`);
    console.log(`target >= 25% of raw:      ${rate / rawRate >= 0.25 ? 'PASS' : 'MISS'}`);
  } finally {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    if (started.length > 0) await down(profile, () => undefined, started.map(componentNamed));
  }
}

run(main);
