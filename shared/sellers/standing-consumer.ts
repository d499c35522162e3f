/**
 * The `sellers-standing` consumer: order events in, each seller's day counters and open shipments
 * out, each event counted exactly once in effect, by the analytics consumers' mechanism
 * (shared/analytics/report-consumer.ts):
 *
 * - a record delivered again never counts twice: the ledger's offset moves in the same transaction
 *   as the counters, conditional on the offset the run started from;
 * - the same event produced again at a later offset is recognised by its id, kept per partition
 *   for the duplicate window (shared/domain/outbox.ts) and reloaded from the applied-run items;
 * - a record that is not a valid order event goes to the on-failure topic, and the partition goes on.
 *
 * A shipment is judged when its OrderShipped is read: late when it left after its open shipment's
 * deadline (the payment plus SHIPPING_DEADLINE_HOURS). A shipment whose payment the consumer never
 * saw counts as shipped, not late. Shipments still open past their deadline are counted late when
 * the standing is read (shared/sellers/standing.ts). After each run, the grades of the sellers it
 * touched are computed again and stored in Redis for search and ads.
 */

import { requireEnv } from '../config/env';
import { duplicateEventWindowMs } from '../domain/outbox';
import {
  isLate,
  type StandingOrderFacts,
  shippingDeadlineMs,
  standingDay,
  standingEffects,
} from '../domain/seller-standing';
import {
  applyStandingRun,
  type ClosedShipment,
  type CounterWrite,
  maxEventsPerRun,
  maxRunWrites,
  type OpenShipment,
  openShipments,
  runWrites,
  StandingLedgerMovedError,
  type StandingPartition,
  standingLedgerOf,
  standingRunsSince,
} from '../dynamo/standing-store';
import { readEvent, undeliverable } from '../kafka/consumer';
import { sendToFailureTopic } from '../kafka/failure-topic';
import { type PartitionRun, partitionConsumer } from '../kafka/partition-consumer';
import { logger } from '../logger';
import { refreshGrades } from './standing';

const maxLedgerRetries = 5;

interface PartitionState {
  offset: number;
  recent: Map<string, number>;
}

function forget(state: PartitionState, now: number): void {
  for (const [id, countedAt] of state.recent) {
    if (countedAt >= now - duplicateEventWindowMs) return;
    state.recent.delete(id);
  }
}

const openId = (sellerId: string, orderId: string) => `${sellerId}\u0000${orderId}`;

/** What a run has gathered: merged counters per seller and day, and the open-shipment writes. */
class RunWrites {
  readonly counters = new Map<string, CounterWrite>();
  readonly opened = new Map<string, OpenShipment>();
  readonly closed = new Map<string, ClosedShipment>();
  readonly eventIds: string[] = [];

  count(sellerId: string, atMs: number, fields: Record<string, number>) {
    const day = standingDay(atMs);
    const id = `${sellerId}\u0000${day}`;
    const write = this.counters.get(id) ?? { sellerId, day, atMs, fields: {} };
    for (const [field, amount] of Object.entries(fields))
      if (amount !== 0) write.fields[field] = (write.fields[field] ?? 0) + amount;
    this.counters.set(id, write);
  }

  /** A shipment this run already closed (its payment read after its shipping) stays closed. */
  open(shipment: OpenShipment) {
    const id = openId(shipment.sellerId, shipment.orderId);
    if (!this.closed.has(id)) this.opened.set(id, shipment);
  }

  /** One write per item: a shipment opened and closed within the run is written closed. */
  close(sellerId: string, orderId: string, closedAt: number) {
    const id = openId(sellerId, orderId);
    this.opened.delete(id);
    if (!this.closed.has(id)) this.closed.set(id, { sellerId, orderId, closedAt });
  }

  /** Writes the run would take with an event of `counters` counters and `opens` open-shipment writes more. */
  writesWith(counters: number, opens: number) {
    return (
      runWrites({
        counters: [...this.counters.values()],
        opened: [...this.opened.values()],
        closed: [...this.closed.values()],
      }) +
      counters +
      opens
    );
  }
}

/** A Kafka-triggered handler that counts order events into sellers' standing. */
export function standingConsumer(options: { now?: () => number } = {}) {
  const states = new Map<string, PartitionState>();
  const clock = options.now ?? Date.now;

  async function load(ref: StandingPartition, now: number): Promise<PartitionState> {
    // The ledger before the runs: a run applied in between shows as the ledger having moved.
    const offset = await standingLedgerOf(ref);
    const recent = new Map<string, number>();
    for (const run of (await standingRunsSince(ref, now - duplicateEventWindowMs)).reverse())
      for (const id of run.eventIds) recent.set(id, run.appliedAt);
    return { offset, recent };
  }

  async function applyRecords(
    ref: StandingPartition,
    state: PartitionState,
    run: PartitionRun,
    touched: Set<string>,
  ) {
    const deadlineMs = shippingDeadlineMs(requireEnv('SHIPPING_DEADLINE_HOURS'));
    const events = [];
    let runLast = state.offset;
    for (const record of run.records) {
      if (record.offset <= state.offset) continue;
      const checked = readEvent(record, 'orderEvents');
      if (!checked.ok) {
        await sendToFailureTopic(undeliverable(record), checked.reason, run.functionName);
        events.push({ offset: record.offset });
        continue;
      }
      events.push({ offset: record.offset, event: checked.event });
    }
    // The open shipments the run's shipments are judged against, read once for the run; the run's
    // own payments and cancellations are laid over them as it goes.
    const shippedKeys = events.flatMap(({ event }) => {
      if (event?.type !== 'OrderShipped') return [];
      const data = event.data as unknown as StandingOrderFacts;
      return standingEffects(event.type, data).shipped.map((sellerId) => ({
        sellerId,
        orderId: data.orderId,
      }));
    });
    const known = new Map<string, OpenShipment | null>(
      (await openShipments(shippedKeys)).map((open) => [openId(open.sellerId, open.orderId), open]),
    );

    let writes = new RunWrites();
    const inRun = new Set<string>();
    const flush = async (lastOffset: number) => {
      if (lastOffset <= state.offset) return;
      const now = clock();
      await applyStandingRun(ref, {
        afterOffset: state.offset,
        lastOffset,
        eventIds: writes.eventIds,
        counters: [...writes.counters.values()],
        opened: [...writes.opened.values()],
        closed: [...writes.closed.values()],
        now,
      });
      state.offset = lastOffset;
      for (const id of writes.eventIds) state.recent.set(id, now);
      forget(state, now);
      for (const write of writes.counters.values()) touched.add(write.sellerId);
      writes = new RunWrites();
      inRun.clear();
    };

    for (const { offset, event } of events) {
      if (!event) {
        runLast = offset;
        continue;
      }
      if (state.recent.has(event.id) || inRun.has(event.id)) {
        logger.info('duplicate event not counted again', { eventId: event.id, offset });
        runLast = offset;
        continue;
      }
      const data = event.data as unknown as StandingOrderFacts;
      const effects = standingEffects(event.type, data);
      const opens = effects.opened.length + effects.shipped.length + effects.closed.length;
      const sellers = new Set([...effects.counts.keys(), ...effects.shipped]);
      if (writes.writesWith(sellers.size, opens) > maxRunWrites || writes.eventIds.length >= maxEventsPerRun)
        await flush(runLast);
      const at = Date.parse(event.time);
      for (const [sellerId, fields] of effects.counts) writes.count(sellerId, at, fields);
      for (const sellerId of effects.opened) {
        const id = openId(sellerId, data.orderId);
        const open = { sellerId, orderId: data.orderId, paidAt: at, dueAt: at + deadlineMs };
        writes.open(open);
        if (known.get(id) !== null) known.set(id, open);
      }
      for (const sellerId of effects.closed) {
        writes.close(sellerId, data.orderId, at);
        known.set(openId(sellerId, data.orderId), null);
      }
      for (const sellerId of effects.shipped) {
        const open = known.get(openId(sellerId, data.orderId));
        writes.count(sellerId, at, { shipments: 1, lateShipments: open && isLate(open.dueAt, at) ? 1 : 0 });
        writes.close(sellerId, data.orderId, at);
        known.set(openId(sellerId, data.orderId), null);
      }
      writes.eventIds.push(event.id);
      inRun.add(event.id);
      runLast = offset;
    }
    await flush(runLast);
  }

  return partitionConsumer(async (run) => {
    const ref: StandingPartition = { topic: run.topic, partition: run.partition };
    const stateKey = `${run.topic}-${run.partition}`;
    const touched = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      let state = states.get(stateKey);
      if (!state) {
        state = await load(ref, clock());
        states.set(stateKey, state);
      }
      try {
        await applyRecords(ref, state, run, touched);
        break;
      } catch (error) {
        states.delete(stateKey);
        if (!(error instanceof StandingLedgerMovedError) || attempt >= maxLedgerRetries) throw error;
        logger.info('standing ledger moved; reloading', { partition: stateKey, attempt });
      }
    }
    await refreshGrades([...touched], clock());
  });
}
