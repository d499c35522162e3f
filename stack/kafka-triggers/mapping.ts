/**
 * One event-source mapping: a kafkajs consumer group that polls a topic and invokes a handler the
 * way Lambda's Kafka event-source mapping does.
 *
 * - Records of one partition are delivered in order, in batches of at most `batchSize`; a smaller
 *   batch waits up to `maximumBatchingWindow` for more records.
 * - Offsets are committed only after the handler succeeded for them.
 * - A handler that throws (or times out) gets the same batch again, up to `maximumRetryAttempts`,
 *   with exponential backoff. With ReportBatchItemFailures, the records before the lowest failed
 *   offset are committed and delivery resumes from that offset.
 * - When the retries are exhausted, the failing records go to the on-failure topic and the
 *   partition moves on: after a throw, the whole batch; after a partial response, only the record
 *   at the lowest failed offset, and the records after it are delivered again as a new batch.
 */
import {
  type Consumer,
  type EachBatchPayload,
  Kafka,
  type KafkaMessage,
  logLevel,
  type Producer,
} from 'kafkajs';
import { batchOutcome } from './batch-response';
import { lambdaContext } from './context';
import { HandlerTimeoutError } from './errors';
import { lambdaEvent, lambdaRecord } from './event';
import { sendToOnFailureTopic } from './on-failure';
import type { KafkaHandler, TriggerDefinition } from './types';

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls the handler with Lambda's timeout: a handler still running at the deadline has failed. */
async function invokeWithTimeout(
  handler: KafkaHandler,
  definition: TriggerDefinition,
  records: KafkaMessage[],
  partition: number,
) {
  const timeoutMs = definition.timeoutSeconds * 1_000;
  const deadline = Date.now() + timeoutMs;
  const event = lambdaEvent(
    definition,
    records.map((message) => lambdaRecord(definition.topic, partition, message)),
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      handler(event, lambdaContext(definition, deadline)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new HandlerTimeoutError(definition.timeoutSeconds)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export class EventSourceMapping {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  /** When the oldest record waiting for a fuller batch was first seen, per partition. */
  private readonly windowOpenedAt = new Map<number, { offset: string; at: number }>();

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
  }

  /** Joins the consumer group and starts delivering; resolves once the consumer runs. */
  async start(): Promise<void> {
    const { definition } = this;
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({
      groupId: definition.consumerGroupId,
      // The broker holds an empty fetch at most this long; it bounds the extra delay of the window.
      maxWaitTimeInMs: Math.min(500, Math.max(50, definition.maximumBatchingWindowSeconds * 1_000)),
      allowAutoTopicCreation: false,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topic: definition.topic,
      fromBeginning: definition.startingPosition !== 'LATEST',
    });
    if (definition.startingPosition === 'AT_TIMESTAMP') await this.seekToTimestampIfNew();
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: async (payload) => this.deliverBatch(payload),
    });
  }

  /** Leaves the group after the invocation in progress; committed offsets stay. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  private async seekToTimestampIfNew(): Promise<void> {
    const { definition } = this;
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
      if (!isNew) return;
      const timestamp = (definition.startingPositionTimestamp ?? 0) * 1_000;
      const offsets = await admin.fetchTopicOffsetsByTimestamp(definition.topic, timestamp);
      await admin.setOffsets({
        groupId: definition.consumerGroupId,
        topic: definition.topic,
        partitions: offsets,
      });
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

  private async commit(
    partition: number,
    lastDeliveredOffset: string,
    resolveOffset: (offset: string) => void,
  ) {
    resolveOffset(lastDeliveredOffset);
    // Kafka stores the offset of the next record to read.
    await this.consumer?.commitOffsets([
      { topic: this.definition.topic, partition, offset: (BigInt(lastDeliveredOffset) + 1n).toString() },
    ]);
  }

  private async deliverBatch(payload: EachBatchPayload) {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { definition } = this;
    const { partition } = batch;
    let pending = batch.messages;
    while (pending.length > 0 && isRunning() && !isStale()) {
      if (
        pending.length < definition.batchSize &&
        (await this.waitForFullerBatch(partition, pending, heartbeat))
      ) {
        // Returning without resolving makes the consumer fetch again from the same offset, now with
        // whatever arrived during the window.
        return;
      }
      this.windowOpenedAt.delete(partition);
      const records = pending.slice(0, definition.batchSize);
      const done = await this.deliverWithRetries(partition, records, resolveOffset, heartbeat, isRunning);
      if (!done) return;
      pending = pending.slice(records.length);
    }
  }

  /** True when the window for these records is still open (after a short wait with heartbeats). */
  private async waitForFullerBatch(
    partition: number,
    pending: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ) {
    const windowMs = this.definition.maximumBatchingWindowSeconds * 1_000;
    if (windowMs <= 0) return false;
    const firstOffset = pending[0]?.offset ?? '';
    const opened = this.windowOpenedAt.get(partition);
    const openedAt = opened?.offset === firstOffset ? opened.at : Date.now();
    this.windowOpenedAt.set(partition, { offset: firstOffset, at: openedAt });
    const remaining = openedAt + windowMs - Date.now();
    if (remaining <= 0) return false;
    await sleep(Math.min(remaining, 100));
    await heartbeat();
    return true;
  }

  private backoff(attempt: number): number {
    const initial = this.options.initialBackoffMs ?? 500;
    return Math.min(this.options.maxBackoffMs ?? 10_000, initial * 2 ** (attempt - 1));
  }

  /**
   * Delivers the records until they succeed, are handed to the on-failure topic, or the consumer
   * stops. Returns false when it stopped before finishing (nothing past the last commit counts).
   */
  private async deliverWithRetries(
    partition: number,
    initialRecords: KafkaMessage[],
    resolveOffset: (offset: string) => void,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<boolean> {
    const { definition } = this;
    let records = initialRecords;
    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const beat = setInterval(() => void heartbeat().catch(() => undefined), 3_000);
      let outcome: ReturnType<typeof batchOutcome> | { kind: 'error'; error: string };
      try {
        const response = await invokeWithTimeout(this.handler, definition, records, partition);
        outcome = batchOutcome(
          response,
          definition.reportBatchItemFailures,
          records.map((record) => Number(record.offset)),
        );
      } catch (error) {
        outcome = {
          kind: 'error',
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      } finally {
        clearInterval(beat);
      }
      const first = records[0] as KafkaMessage;
      const last = records[records.length - 1] as KafkaMessage;
      const base = {
        partition,
        firstOffset: Number(first.offset),
        lastOffset: Number(last.offset),
        records: records.length,
        attempt,
        durationMs: Date.now() - started,
      };

      if (outcome.kind === 'success') {
        await this.commit(partition, last.offset, resolveOffset);
        this.report({ ...base, outcome: 'success' });
        return true;
      }

      let error: string;
      if (outcome.kind === 'partial') {
        const succeeded = records.filter((record) => Number(record.offset) < outcome.lowestFailedOffset);
        const lastSucceeded = succeeded[succeeded.length - 1];
        if (lastSucceeded) await this.commit(partition, lastSucceeded.offset, resolveOffset);
        records = records.slice(succeeded.length);
        error = `batch item failures at offsets ${outcome.failedOffsets.join(', ')}`;
      } else {
        error = outcome.kind === 'error' ? outcome.error : `invalid batch response: ${outcome.reason}`;
      }
      this.report({ ...base, outcome: outcome.kind === 'partial' ? 'partial' : 'error', error });

      const retriesLeft = definition.maximumRetryAttempts < 0 || attempt <= definition.maximumRetryAttempts;
      if (!retriesLeft && outcome.kind === 'partial') {
        // Only the lowest failed record is given up on; the records after it were perhaps never
        // looked at (handlers stop at the first failure), so they get deliveries of their own.
        const [poison, ...rest] = records as [KafkaMessage, ...KafkaMessage[]];
        await this.giveUp(partition, [poison], attempt, error, resolveOffset, base);
        if (rest.length === 0) return true;
        records = rest;
        attempt = 0;
        continue;
      }
      if (!retriesLeft) {
        await this.giveUp(partition, records, attempt, error, resolveOffset, base);
        return true;
      }
      await sleep(this.backoff(attempt));
      if (!isRunning()) return false;
      await heartbeat();
    }
  }

  private async giveUp(
    partition: number,
    failedRecords: KafkaMessage[],
    attempts: number,
    error: string,
    resolveOffset: (offset: string) => void,
    base: Omit<DeliveryReport, 'functionName' | 'topic' | 'outcome'>,
  ): Promise<void> {
    const last = failedRecords[failedRecords.length - 1] as KafkaMessage;
    const report = {
      ...base,
      firstOffset: Number(failedRecords[0]?.offset),
      lastOffset: Number(last.offset),
      records: failedRecords.length,
      error,
    };
    if (this.producer && this.definition.onFailureTopic) {
      await sendToOnFailureTopic(this.producer, this.definition, partition, failedRecords, attempts, error);
      this.report({ ...report, outcome: 'on-failure' });
    } else {
      this.report({ ...report, outcome: 'dropped' });
    }
    await this.commit(partition, last.offset, resolveOffset);
  }
}
