/**
 * One event-source mapping: a kafkajs consumer group that polls a topic and invokes a handler the
 * way Lambda's Kafka event-source mapping does.
 *
 * - Records of one partition are delivered in order, in batches of at most `batchSize`; a smaller
 *   batch waits up to `maximumBatchingWindow` for more records.
 * - Offsets are committed only after the handler succeeded for them (or they were given up on).
 * - A handler that throws, times out or answers with a malformed partial response gets the same
 *   batch again, up to `maximumRetryAttempts` retries, with exponential backoff. With
 *   ReportBatchItemFailures, the records before the lowest failed offset are committed and the
 *   retry starts at that offset.
 * - When the retries are exhausted, records go to the on-failure topic (or are dropped without one)
 *   and the partition moves on: after a throw, the whole batch being retried; after a partial
 *   response, only the record at the lowest failed offset, and the records after it are delivered
 *   again as a batch of their own with a fresh retry budget.
 */
import {
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { type BatchOutcome, batchOutcome } from './batch-response';
import { BatchingWindow } from './batching-window';
import { topicPartition } from './event';
import { invokeHandler } from './invoke';
import { OffsetCommitter, type PartitionOffset } from './offset-committer';
import { sendToOnFailureTopic } from './on-failure';
import type { KafkaHandler, TriggerDefinition } from './types';

/** What happened to one invocation, or to records given up on. */
export interface DeliveryReport {
  functionName: string;
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  records: number;
  attempt: number;
  outcome: 'success' | 'partial' | 'error' | 'on-failure' | 'dropped';
  durationMs: number;
  error?: string;
}

export interface MappingOptions {
  /** First retry delay; doubles each retry up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Partitions handled at the same time (each stays in order). */
  partitionsConsumedConcurrently?: number;
  onDelivery?: (report: DeliveryReport) => void;
}

type Outcome = BatchOutcome | { kind: 'error'; error: string };
type Attempt = Omit<DeliveryReport, 'functionName' | 'topic' | 'outcome' | 'error'>;

/** Lambda's invocation payload limit; a fetch larger than this could not be one invocation. */
const maxBytesPerPartition = 6 * 1024 * 1024;
/**
 * Kafka's own consumer default (fetch.max.bytes). kafkajs' 10 MB would cut a fetch of a backlog
 * short after fewer than two partitions' worth, leaving the others to a later round: their
 * records would wait for the partitions fetched first to be delivered, and their batching
 * windows would open that much later.
 */
const maxBytesPerFetch = 50 * 1024 * 1024;
/** Well inside kafkajs' 30 s session timeout, so a long handler keeps its partitions. */
const heartbeatIntervalMs = 3_000;
/** How long one pass of the batching window waits before the consumer refetches. */
const windowPollMs = 100;

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export class EventSourceMapping {
  private readonly kafka: Kafka;
  private readonly window: BatchingWindow;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopping = false;
  private readonly committer = new OffsetCommitter(async (offsets) => {
    await this.consumer?.commitOffsets(offsets.map((entry) => ({ topic: this.definition.topic, ...entry })));
  });
  /** Wakes delays (backoff, batching window) so that stop() does not wait them out. */
  private readonly wakers = new Set<() => void>();

  constructor(
    readonly definition: TriggerDefinition,
    private readonly handler: KafkaHandler,
    private readonly options: MappingOptions = {},
  ) {
    this.kafka = new Kafka({
      clientId: `${definition.functionName}-esm`,
      brokers: definition.bootstrapServers,
      logLevel: logLevel.WARN,
    });
    this.window = new BatchingWindow(definition.maximumBatchingWindowSeconds * 1_000);
  }

  /** Joins the consumer group and starts delivering; resolves once the group has given it its partitions. */
  async start(): Promise<void> {
    const { definition } = this;
    if (definition.onFailureTopic) {
      this.producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await this.producer.connect();
    }
    this.consumer = this.kafka.consumer({
      groupId: definition.consumerGroupId,
      // An empty fetch returns after this long at most, which bounds the window's extra delay.
      maxWaitTimeInMs: Math.min(500, Math.max(50, definition.maximumBatchingWindowSeconds * 1_000)),
      maxBytesPerPartition,
      maxBytes: maxBytesPerFetch,
      allowAutoTopicCreation: false,
    });
    await this.consumer.connect();
    // fromBeginning only applies to a group without committed offsets, as StartingPosition does.
    await this.consumer.subscribe({
      topic: definition.topic,
      fromBeginning: definition.startingPosition !== 'LATEST',
    });
    const startingOffsets = await this.startingOffsetsIfNew();
    const joined = this.joinedGroup(this.consumer, startingOffsets ?? []);
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: async (payload) => this.deliverBatch(payload),
    });
    await joined;
    if (startingOffsets) {
      // Committed at once, so that a restart before the first delivery starts from the same place.
      await this.consumer.commitOffsets(
        startingOffsets.map((entry) => ({ topic: definition.topic, ...entry })),
      );
    }
  }

  /**
   * Resolves once the consumer first holds its partitions. The starting offsets are applied as it
   * joins, before kafkajs' first fetch.
   */
  private joinedGroup(consumer: Consumer, startingOffsets: readonly PartitionOffset[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const removers = [
        consumer.on(consumer.events.GROUP_JOIN, () => {
          for (const remove of removers) remove();
          for (const { partition, offset } of startingOffsets) {
            consumer.seek({ topic: this.definition.topic, partition, offset });
          }
          resolve();
        }),
        consumer.on(consumer.events.CRASH, ({ payload }) => {
          for (const remove of removers) remove();
          reject(payload.error);
        }),
      ];
    });
  }

  /**
   * Leaves the group after the invocation in progress has finished; a retry waiting for its
   * backoff stops waiting. Everything committed stays committed; nothing else is.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers) wake();
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  /**
   * Where a group without committed offsets starts: the end of the topic as it is now for LATEST
   * (kafkajs would look it up only at its first fetch, skipping records produced in between), the
   * first record at or after the timestamp for AT_TIMESTAMP; undefined when kafkajs' own choice
   * is right (TRIM_HORIZON, or a group that has committed offsets).
   */
  private async startingOffsetsIfNew(): Promise<PartitionOffset[] | undefined> {
    const { definition } = this;
    if (definition.startingPosition === 'TRIM_HORIZON') return undefined;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({
        groupId: definition.consumerGroupId,
        topics: [definition.topic],
      });
      const isNew = committed.every((topic) =>
        topic.partitions.every((partition) => partition.offset === '-1'),
      );
      if (!isNew) return undefined;
      if (definition.startingPosition === 'LATEST') {
        const offsets = await admin.fetchTopicOffsets(definition.topic);
        return offsets.map(({ partition, high }) => ({ partition, offset: high }));
      }
      const timestamp = (definition.startingPositionTimestamp ?? 0) * 1_000;
      return await admin.fetchTopicOffsetsByTimestamp(definition.topic, timestamp);
    } finally {
      await admin.disconnect();
    }
  }

  private report(report: Omit<DeliveryReport, 'functionName' | 'topic'>): void {
    this.options.onDelivery?.({
      functionName: this.definition.functionName,
      topic: this.definition.topic,
      ...report,
    });
  }

  /** Resolves the offset for kafkajs and marks it for commit; deliverBatch waits for the commit. */
  private commit(partition: number, lastDone: KafkaMessage, resolveOffset: (offset: string) => void): void {
    resolveOffset(lastDone.offset);
    // Kafka stores the offset of the next record to read.
    this.committer.mark(partition, (BigInt(lastDone.offset) + 1n).toString());
  }

  /** Delivers a kafkajs batch; returns only once its commits have landed, so none is lost on stop. */
  private async deliverBatch(payload: EachBatchPayload) {
    try {
      await this.deliverRecords(payload);
    } finally {
      await this.committer.flush();
    }
  }

  private async deliverRecords({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) {
    const fetchedAt = Date.now();
    const { partition, messages } = batch;
    const { batchSize } = this.definition;
    const running = () => isRunning() && !isStale() && !this.stopping;
    // An index into the fetched messages rather than re-slicing what is left after each
    // invocation, which copied the rest of a large fetch once per batch.
    for (let next = 0; next < messages.length && running(); ) {
      const first = messages[next] as KafkaMessage;
      const left = messages.length - next;
      const windowMs = this.window.remainingMs(partition, first.offset, fetchedAt);
      if (left < batchSize && windowMs > 0) {
        // Returning without resolving makes kafkajs fetch again from the last resolved offset. When
        // the broker already holds more records (the fetch was cut short), that happens at once;
        // otherwise after a short wait for new records.
        const last = messages[messages.length - 1] as KafkaMessage;
        if (BigInt(batch.highWatermark) <= BigInt(last.offset) + 1n) {
          await this.delay(Math.min(windowMs, windowPollMs));
          await heartbeat();
        }
        return;
      }
      this.window.close(partition);
      const records = messages.slice(next, next + batchSize);
      const done = await this.deliverWithRetries(partition, records, resolveOffset, heartbeat, running);
      if (!done) return;
      next += records.length;
    }
  }

  private backoff(attempt: number): number {
    const initial = this.options.initialBackoffMs ?? 500;
    return Math.min(this.options.maxBackoffMs ?? 10_000, initial * 2 ** (attempt - 1));
  }

  private async attempt(
    partition: number,
    records: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<Outcome> {
    const beat = setInterval(() => void heartbeat().catch(() => undefined), heartbeatIntervalMs);
    try {
      const response = await invokeHandler(this.handler, this.definition, partition, records);
      return batchOutcome(response, this.definition.reportBatchItemFailures, {
        topicPartition: topicPartition(this.definition.topic, partition),
        offsets: records.map((record) => Number(record.offset)),
      });
    } catch (error) {
      return { kind: 'error', error: errorText(error) };
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Delivers the records until they succeed or are given up on, or the mapping stops. Returns
   * false when it stopped first: nothing after the last commit counts as done.
   */
  private async deliverWithRetries(
    partition: number,
    initialRecords: KafkaMessage[],
    resolveOffset: (offset: string) => void,
    heartbeat: () => Promise<void>,
    running: () => boolean,
  ): Promise<boolean> {
    const { maximumRetryAttempts } = this.definition;
    let records = initialRecords;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const outcome = await this.attempt(partition, records, heartbeat);
      const tried: Attempt = {
        partition,
        firstOffset: Number(records[0]?.offset),
        lastOffset: Number(records[records.length - 1]?.offset),
        records: records.length,
        attempt,
        durationMs: Date.now() - started,
      };
      if (outcome.kind === 'success') {
        this.commit(partition, records[records.length - 1] as KafkaMessage, resolveOffset);
        this.report({ ...tried, outcome: 'success' });
        return true;
      }

      let error: string;
      if (outcome.kind === 'partial') {
        const succeeded = records.filter((record) => Number(record.offset) < outcome.lowestFailedOffset);
        const lastSucceeded = succeeded[succeeded.length - 1];
        if (lastSucceeded) this.commit(partition, lastSucceeded, resolveOffset);
        records = records.slice(succeeded.length);
        error = `batch item failures at offsets ${outcome.failedOffsets.join(', ')}`;
      } else {
        error = outcome.kind === 'error' ? outcome.error : `invalid batch response: ${outcome.reason}`;
      }
      this.report({ ...tried, outcome: outcome.kind === 'partial' ? 'partial' : 'error', error });

      const retriesLeft = maximumRetryAttempts < 0 || attempt <= maximumRetryAttempts;
      if (!retriesLeft && outcome.kind === 'partial') {
        // Only the lowest failed record is given up on: handlers that stop at their first failure
        // never looked at the records after it, so those get deliveries of their own.
        const [poison, ...rest] = records as [KafkaMessage, ...KafkaMessage[]];
        await this.giveUp(partition, [poison], attempt, error, resolveOffset);
        if (rest.length === 0) return true;
        records = rest;
        attempt = 0;
        continue;
      }
      if (!retriesLeft) {
        await this.giveUp(partition, records, attempt, error, resolveOffset);
        return true;
      }
      await this.delay(this.backoff(attempt));
      if (!running()) return false;
      await heartbeat();
    }
  }

  /** Sends the records to the on-failure topic (or drops them without one), then commits past them. */
  private async giveUp(
    partition: number,
    records: KafkaMessage[],
    attempts: number,
    error: string,
    resolveOffset: (offset: string) => void,
  ): Promise<void> {
    const last = records[records.length - 1] as KafkaMessage;
    if (this.producer && this.definition.onFailureTopic) {
      await sendToOnFailureTopic(this.producer, this.definition, partition, records, attempts, error);
    }
    this.commit(partition, last, resolveOffset);
    this.report({
      partition,
      firstOffset: Number(records[0]?.offset),
      lastOffset: Number(last.offset),
      records: records.length,
      attempt: attempts,
      durationMs: 0,
      outcome: this.producer ? 'on-failure' : 'dropped',
      error,
    });
  }
}
