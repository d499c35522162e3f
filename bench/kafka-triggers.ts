/**
 * npm run bench: records/s the Kafka trigger emulation delivers to a no-op handler, at batch sizes
 * 100 and 1,000, beside raw kafkajs consumption of the same topic in the same run.
 *
 * Raw passes that are not reported warm up kafkajs' decoder and the broker's page cache; then each
 * batch size has a raw pass of its own just before the emulation's, so that the ratio compares
 * runs made under the same load of a shared machine. The emulation runs with Lambda's default
 * batching window (0.5 s) and without one. Every pass reads the whole topic with a new
 * consumer group; its time runs from before the consumer connects to its last record.
 *
 * Uses the dev stack's broker (brought up if it is not running, and stopped again) or the one in
 * KAFKA_BROKERS. BENCH_RECORDS sets the record count (default 100,000).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EventSourceMapping, type TriggerDefinition } from '../stack/kafka-triggers';
import { loadProfile } from '../stack/profiles';
import { componentNamed, down, up } from '../stack/stack';

const recordCount = Number(process.env.BENCH_RECORDS ?? 100_000);
const partitions = 3;
const timeoutMs = 180_000;
/** Raw passes before the measured ones: kafkajs' decoder keeps getting faster over the first ones. */
const warmUpPasses = 2;

interface Result {
  consumer: string;
  seconds: number;
  /** CPU time of this process in the pass: less sensitive than seconds to what else the machine runs. */
  cpuSeconds: number;
  recordsPerSecond: number;
  invocations?: number;
}

function cpuSecondsSince(started: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(started);
  return (user + system) / 1e6;
}

async function waitFor(count: () => number, target: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < target) {
    if (Date.now() > deadline)
      throw new Error(`only ${count()} of ${target} records within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function fillTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const value = JSON.stringify({
    type: 'SearchPerformed',
    keyword: 'running shoes',
    results: 42,
    pad: 'x'.repeat(40),
  });
  for (let sent = 0; sent < recordCount; sent += 2_000) {
    const size = Math.min(2_000, recordCount - sent);
    await producer.send({
      topic,
      messages: Array.from({ length: size }, (_, index) => ({
        key: `member-${(sent + index) % 997}`,
        value,
      })),
    });
  }
  await producer.disconnect();
}

async function rawKafkajs(kafka: Kafka, topic: string): Promise<Result> {
  let received = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: partitions,
    eachBatch: async ({ batch }) => {
      received += batch.messages.length;
    },
  });
  await waitFor(() => received, recordCount);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpuStarted);
  await consumer.disconnect();
  return {
    consumer: 'raw kafkajs (eachBatch, no-op)',
    seconds,
    cpuSeconds,
    recordsPerSecond: recordCount / seconds,
  };
}

async function emulator(
  brokers: string[],
  topic: string,
  batchSize: number,
  windowSeconds: number,
): Promise<Result> {
  let received = 0;
  let invocations = 0;
  const definition: TriggerDefinition = {
    functionKey: 'bench-noop',
    functionName: 'peakcart-bench-noop',
    handler: 'bench.handler',
    timeoutSeconds: 30,
    memorySize: 1024,
    environment: {},
    eventSource: 'SelfManagedKafka',
    bootstrapServers: brokers,
    topic,
    consumerGroupId: `bench-esm-${randomUUID()}`,
    batchSize,
    maximumBatchingWindowSeconds: windowSeconds,
    startingPosition: 'TRIM_HORIZON',
    maximumRetryAttempts: 2,
    reportBatchItemFailures: true,
  };
  const mapping = new EventSourceMapping(
    definition,
    async (event) => {
      invocations++;
      for (const records of Object.values(event.records)) received += records.length;
      return { batchItemFailures: [] };
    },
    { partitionsConsumedConcurrently: partitions },
  );
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  await mapping.start();
  await waitFor(() => received, recordCount);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSecondsSince(cpuStarted);
  await mapping.stop();
  return {
    consumer: `emulation, batch ${batchSize}, window ${windowSeconds} s`,
    seconds,
    cpuSeconds,
    recordsPerSecond: recordCount / seconds,
    invocations,
  };
}

const batchSizes = [100, 1_000];
/**
 * Lambda's default window, which the target is about, then none. A backlog's last batch of each
 * partition is smaller than batchSize, so with a window it waits that long after its fetch as on
 * Lambda; without one, what remains beside raw kafkajs is the emulation's own work.
 */
const windows = [0.5, 0];
const formatted = (recordsPerSecond: number) => Math.round(recordsPerSecond).toLocaleString('en');

interface Comparison {
  batchSize: number;
  windowSeconds: number;
  raw: Result;
  emulation: Result;
}

async function main(): Promise<void> {
  const profile = loadProfile('dev');
  let startedComponents: string[] = [];
  if (!process.env.KAFKA_BROKERS) startedComponents = (await up(profile, () => undefined)).started;
  const brokers = (process.env.KAFKA_BROKERS ?? `${profile.host}:${profile.kafkaPort}`).split(',');
  const kafka = new Kafka({ clientId: 'peakcart-bench', brokers, logLevel: logLevel.NOTHING });
  try {
    const topic = `bench.kafka-triggers.${randomUUID().slice(0, 8)}`;
    console.log(
      `Filling ${topic} (${partitions} partitions) with ${recordCount.toLocaleString('en')} records on ${brokers.join(',')}...`,
    );
    await fillTopic(kafka, topic);
    for (let pass = 0; pass < warmUpPasses; pass++) await rawKafkajs(kafka, topic);
    const comparisons: Comparison[] = [];
    const passes: Result[] = [];
    for (const batchSize of batchSizes) {
      const raw = await rawKafkajs(kafka, topic);
      passes.push(raw);
      for (const windowSeconds of windows) {
        const emulation = await emulator(brokers, topic, batchSize, windowSeconds);
        passes.push(emulation);
        comparisons.push({ batchSize, windowSeconds, raw, emulation });
      }
    }
    console.log('');
    console.log('pass                                 seconds   cpu seconds   records/s   invocations');
    for (const pass of passes) {
      console.log(
        `${pass.consumer.padEnd(36)} ${pass.seconds.toFixed(2).padStart(7)} ${pass.cpuSeconds.toFixed(2).padStart(13)} ${formatted(pass.recordsPerSecond).padStart(11)} ${String(pass.invocations ?? '-').padStart(13)}`,
      );
    }
    console.log('');
    console.log('batch size   window   emulation records/s   raw kafkajs records/s   emulation / raw');
    for (const { batchSize, windowSeconds, raw, emulation } of comparisons) {
      console.log(
        `${batchSize.toLocaleString('en').padStart(10)}   ${`${windowSeconds} s`.padStart(6)}   ${formatted(emulation.recordsPerSecond).padStart(19)}   ${formatted(raw.recordsPerSecond).padStart(21)}   ${(emulation.recordsPerSecond / raw.recordsPerSecond).toFixed(2).padStart(14)}x`,
      );
    }
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  } finally {
    if (startedComponents.length > 0)
      await down(profile, () => undefined, startedComponents.map(componentNamed));
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
