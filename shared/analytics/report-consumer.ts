/**
 * The consumer behind each analytics report: order events (and ad events, for the reports that
 * count them) in, counters out, each event counted exactly once in effect.
 *
 * - A record delivered again (a retried batch, a rebalance, two pollers at once) is never counted
 *   twice: the ledger's offset moves in the same transaction as the counters, conditional on the
 *   offset the run started from.
 * - The same event produced twice (same event id at a later offset, e.g. the outbox relay sending
 *   what a request had already sent) is recognised by its id: the consumer keeps the ids counted
 *   on the partition within the duplicate window (shared/domain/outbox.ts: the outbox's send
 *   window plus an allowance for consumer lag), loaded from the applied-run items when it starts
 *   or finds that another consumer moved the ledger. An event's copies share its key, so they land
 *   on the same partition.
 * - A record that is not a valid event of a topic the report reads goes to the on-failure topic
 *   with the reason, and the partition goes on.
 */
import { type AdFacts, type Contribution, CounterDeltas, type Report } from '../domain/analytics';
import { duplicateEventWindowMs } from '../domain/outbox';
import {
  type AppliedRun,
  appliedRunsSince,
  applyRun,
  finishPendingRun,
  LedgerMovedError,
  ledgerOf,
  maxCountersPerRun,
  maxEventsPerRun,
  type PartitionRef,
} from '../dynamo/analytics-store';
import { type EventCheck, type OrderEventData, topicKeyOf } from '../events';
import { type DomainEventConsumerOptions, readEvent, undeliverable } from '../kafka/consumer';
import { sendToFailureTopic } from '../kafka/failure-topic';
import { type PartitionRun, partitionConsumer } from '../kafka/partition-consumer';
import { logger } from '../logger';

const maxLedgerRetries = 5;

/** What a consumer container knows of a partition: its offset and the ids counted lately. */
interface PartitionState {
  offset: number;
  /** Event id → when it was counted, oldest first. */
  recent: Map<string, number>;
}

function stateFrom(offset: number, runs: readonly AppliedRun[]): PartitionState {
  const recent = new Map<string, number>();
  for (const run of [...runs].reverse()) for (const id of run.eventIds) recent.set(id, run.appliedAt);
  return { offset, recent };
}

function forget(state: PartitionState, now: number): void {
  for (const [id, countedAt] of state.recent) {
    if (countedAt >= now - duplicateEventWindowMs) return;
    state.recent.delete(id);
  }
}

/** A Kafka-triggered handler that counts order events, and ad events if it reads them, into one report. */
export function reportConsumer(report: Report, options: DomainEventConsumerOptions = {}) {
  const states = new Map<string, PartitionState>();
  const topicKeyFor = options.topicKeyOf ?? topicKeyOf;

  /** The record read as an event of a topic the report reads. */
  function readRecord(record: PartitionRun['records'][number]): EventCheck {
    const topicKey = topicKeyFor(record.topic);
    if (topicKey && (report.topics as readonly string[]).includes(topicKey))
      return readEvent(record, topicKey);
    return { ok: false, reason: `the ${report.name} report does not read ${record.topic}` };
  }

  const contributionsOf = (topic: string, type: string, data: unknown): Contribution[] =>
    topicKeyFor(topic) === 'adEvents'
      ? (report.adContributions?.(type, data as AdFacts) ?? [])
      : report.contributions(type, data as OrderEventData);

  async function load(ref: PartitionRef, now: number): Promise<PartitionState> {
    // The ledger is read before the runs: a run applied in between is then among the runs read
    // but past the offset read, and the next transaction's condition reports the ledger moved.
    const ledger = await ledgerOf(ref);
    await finishPendingRun(ref, ledger);
    return stateFrom(ledger.offset, await appliedRunsSince(ref, now - duplicateEventWindowMs));
  }

  async function applyRecords(ref: PartitionRef, state: PartitionState, run: PartitionRun) {
    let deltas = new CounterDeltas(report);
    let eventIds: string[] = [];
    let runLast = state.offset;
    const inRun = new Set<string>();

    /** Applies what was gathered, as the records up to and including `lastOffset`. */
    const flush = async (lastOffset: number) => {
      if (lastOffset <= state.offset) return;
      const now = Date.now();
      await applyRun(ref, { afterOffset: state.offset, lastOffset, eventIds, deltas, now });
      state.offset = lastOffset;
      for (const id of eventIds) state.recent.set(id, now);
      forget(state, now);
      deltas = new CounterDeltas(report);
      eventIds = [];
      inRun.clear();
    };

    for (const record of run.records) {
      if (record.offset <= state.offset) continue;
      const checked = readRecord(record);
      if (!checked.ok) {
        // Poison: no retry makes it readable. Set aside, so the partition goes on.
        await sendToFailureTopic(undeliverable(record), checked.reason, run.functionName);
        runLast = record.offset;
        continue;
      }
      const { event } = checked;
      if (state.recent.has(event.id) || inRun.has(event.id)) {
        logger.info('duplicate event not counted again', { eventId: event.id, offset: record.offset });
        runLast = record.offset;
        continue;
      }
      const contributions = contributionsOf(record.topic, event.type, event.data);
      const at = Date.parse(event.time);
      const after = deltas.sizeWith(contributions, at);
      if (after.counters > maxCountersPerRun || eventIds.length >= maxEventsPerRun) await flush(runLast);
      deltas.add(contributions, at);
      eventIds.push(event.id);
      inRun.add(event.id);
      runLast = record.offset;
    }
    await flush(runLast);
  }

  return partitionConsumer(async (run) => {
    const ref: PartitionRef = { report: report.name, topic: run.topic, partition: run.partition };
    const stateKey = `${run.topic}-${run.partition}`;
    for (let attempt = 1; ; attempt++) {
      let state = states.get(stateKey);
      if (!state) {
        state = await load(ref, Date.now());
        states.set(stateKey, state);
      }
      try {
        await applyRecords(ref, state, run);
        return;
      } catch (error) {
        states.delete(stateKey);
        if (!(error instanceof LedgerMovedError) || attempt >= maxLedgerRetries) throw error;
        logger.info('ledger moved; reloading', { partition: stateKey, attempt });
      }
    }
  });
}
