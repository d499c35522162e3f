/**
 * The analytics table: counters, and what each report's consumer has applied of each partition.
 *
 * Items:
 * - counters: pk `<report>#<granularity>#<dimension>#<shard>`, sk the bucket (`2026-11-25T09`,
 *   `2026-11-25`), a number attribute per `field:value` (shared/domain/analytics.ts);
 * - ledger: pk `LEDGER#<report>`, sk `<topic>#<partition>`: `offset`, the last offset applied, and
 *   `pending`, the first offset of a run whose counters are still being written;
 * - applied runs: pk `APPLIED#<report>#<topic>#<partition>`, sk the run's first offset (padded),
 *   with a gzipped body of the event ids it counted and its counter updates, kept a day;
 * - part markers: pk `PART#<report>#<topic>#<partition>#<first offset>`, sk the part's number.
 *
 * A run of up to 98 counter updates is one transaction: the counters, the applied-run item, and
 * the ledger moved from the offset the run was read at to its last offset. A bigger run is more
 * than DynamoDB takes in one transaction, so it is applied in steps that are each safe to repeat:
 * 1. the ledger moves and records the run as pending, in one transaction with the applied-run
 *    item, which holds every update of the run;
 * 2. the updates, in parts of at most 99, each one transaction with its part's marker, which
 *    exists only once;
 * 3. the ledger's pending mark is cleared.
 * Whoever finds a run pending (a retry after a failure, another consumer) applies its parts from
 * the applied-run item, the markers keeping each part to once, and clears it. A redelivered run,
 * or one another consumer applied meanwhile, fails the ledger's condition and changes nothing.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterDeltas, Granularity, ReportName } from '../domain/analytics';
import { duplicateEventWindowMs } from '../domain/outbox';
import { dynamoClient, tableName } from './client';

/** The ledger moved since it was read: another consumer applied this partition's records. */
export class LedgerMovedError extends Error {
  constructor(readonly partitionKey: string) {
    super(`Analytics ledger of ${partitionKey} moved meanwhile`);
    this.name = 'LedgerMovedError';
  }
}

export interface PartitionRef {
  report: ReportName;
  topic: string;
  partition: number;
}

export interface AppliedRun {
  firstOffset: number;
  lastOffset: number;
  eventIds: string[];
  appliedAt: number;
}

/** A partition's ledger: the last offset applied, and the first offset of a run still pending. */
export interface Ledger {
  offset: number;
  pending?: number;
}

/** Increments of one counter item: `[pk, sk, [[attribute, amount], ...]]`. */
type CounterUpdate = [pk: string, sk: string, counters: [string, number][]];

interface RunBody {
  eventIds: string[];
  updates: CounterUpdate[];
}

/** Counters one run may hold: its body, gzipped, stays far below DynamoDB's 400 KB item. */
export const maxCountersPerRun = 20_000;
/** Events one run may hold, for the same reason (their ids are in the body). */
export const maxEventsPerRun = 5_000;
/** Increments per update that keep its expression under DynamoDB's 4 KB. */
const maxCountersPerUpdate = 250;
/** Updates that fit one transaction beside the ledger and the applied-run item. */
const singleTransactionUpdates = 98;
/** Updates per part, beside the part's marker. */
const updatesPerPart = 99;

/** A day, and never less than the consumer remembers event ids for (it reloads them from here). */
const appliedRunSeconds = Math.max(86_400, Math.ceil(duplicateEventWindowMs / 1000));
const offsetDigits = 20;
const zip = promisify(gzip);
const unzip = promisify(gunzip);

const ledgerKey = ({ report, topic, partition }: PartitionRef) => ({
  pk: `LEDGER#${report}`,
  sk: `${topic}#${partition}`,
});
const appliedPk = ({ report, topic, partition }: PartitionRef) => `APPLIED#${report}#${topic}#${partition}`;
const paddedOffset = (offset: number) => String(offset).padStart(offsetDigits, '0');
const partPk = ({ report, topic, partition }: PartitionRef, firstOffset: number) =>
  `PART#${report}#${topic}#${partition}#${firstOffset}`;
const partitionName = (ref: PartitionRef) => `${ref.report} ${ref.topic}-${ref.partition}`;

/** The partition's ledger; offset -1 when nothing has been applied. */
export async function ledgerOf(ref: PartitionRef): Promise<Ledger> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tableName('analytics'), Key: ledgerKey(ref), ConsistentRead: true }),
  );
  return {
    offset: typeof Item?.offset === 'number' ? Item.offset : -1,
    ...(typeof Item?.pending === 'number' && { pending: Item.pending }),
  };
}

async function bodyOf(item: Record<string, unknown>): Promise<RunBody> {
  return JSON.parse((await unzip(item.body as Uint8Array)).toString('utf8')) as RunBody;
}

/** The runs applied since `sinceMs`, newest first. */
export async function appliedRunsSince(ref: PartitionRef, sinceMs: number): Promise<AppliedRun[]> {
  const runs: AppliedRun[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new QueryCommand({
        TableName: tableName('analytics'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': appliedPk(ref) },
        ScanIndexForward: false,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.appliedAt < sinceMs) return runs;
      const { eventIds } = await bodyOf(item);
      runs.push({
        firstOffset: Number(item.sk),
        lastOffset: item.lastOffset,
        eventIds,
        appliedAt: item.appliedAt,
      });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return runs;
}

export interface Run {
  /** The ledger's offset when the records were read; the run starts right after it. */
  afterOffset: number;
  lastOffset: number;
  eventIds: readonly string[];
  deltas: CounterDeltas;
  now: number;
}

/** The run's increments as updates of at most maxCountersPerUpdate counters each. */
export function counterUpdates(deltas: CounterDeltas): CounterUpdate[] {
  const updates: CounterUpdate[] = [];
  for (const { key, counters } of deltas.items.values()) {
    const pk = `${key.report}#${key.granularity}#${key.dimension}#${key.shard}`;
    const entries = [...counters].filter(([, amount]) => amount !== 0);
    for (let start = 0; start < entries.length; start += maxCountersPerUpdate)
      updates.push([pk, key.bucket, entries.slice(start, start + maxCountersPerUpdate)]);
  }
  return updates;
}

function updateAction(table: string, [pk, sk, counters]: CounterUpdate) {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = counters.map(([attribute, amount], index) => {
    names[`#c${index}`] = attribute;
    values[`:c${index}`] = amount;
    return `#c${index} :c${index}`;
  });
  return {
    Update: {
      TableName: table,
      Key: { pk, sk },
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** The reason DynamoDB gave for cancelling the transaction's `index`th action, if it did. */
function cancelReason(error: unknown, index: number): string | undefined {
  return error instanceof TransactionCanceledException ? error.CancellationReasons?.[index]?.Code : undefined;
}

/**
 * Applies a run of records; LedgerMovedError when the ledger moved since `afterOffset` was read
 * or a run is pending. When this throws after the ledger moved, the run stays pending: whoever
 * loads the partition next finishes it (finishPendingRun).
 */
export async function applyRun(ref: PartitionRef, run: Run): Promise<void> {
  const updates = counterUpdates(run.deltas);
  const single = updates.length <= singleTransactionUpdates;
  const firstOffset = run.afterOffset + 1;
  await startRun(ref, run, updates, single);
  if (single) return;
  await applyParts(ref, firstOffset, updates);
  await clearPending(ref, firstOffset);
}

/**
 * Moves the ledger over the run and writes its applied-run item: with the counters when they fit
 * one transaction, else marking the run pending. Exported for the tests of a run left pending.
 */
export async function startRun(
  ref: PartitionRef,
  run: Run,
  updates = counterUpdates(run.deltas),
  single = updates.length <= singleTransactionUpdates,
): Promise<void> {
  const table = tableName('analytics');
  const firstOffset = run.afterOffset + 1;
  const ledgerUpdate = {
    Update: {
      TableName: table,
      Key: ledgerKey(ref),
      UpdateExpression: single
        ? 'SET #offset = :last, updatedAt = :now'
        : 'SET #offset = :last, pending = :first, updatedAt = :now',
      ConditionExpression: `${run.afterOffset < 0 ? 'attribute_not_exists(#offset)' : '#offset = :after'} AND attribute_not_exists(pending)`,
      ExpressionAttributeNames: { '#offset': 'offset' },
      ExpressionAttributeValues: {
        ':last': run.lastOffset,
        ':now': run.now,
        ...(!single && { ':first': firstOffset }),
        ...(run.afterOffset >= 0 && { ':after': run.afterOffset }),
      },
    },
  };
  const body: RunBody = { eventIds: [...run.eventIds], updates: single ? [] : updates };
  const appliedPut = {
    Put: {
      TableName: table,
      Item: {
        pk: appliedPk(ref),
        sk: paddedOffset(firstOffset),
        lastOffset: run.lastOffset,
        body: await zip(JSON.stringify(body)),
        appliedAt: run.now,
        expiresAt: Math.floor(run.now / 1000) + appliedRunSeconds,
      },
    },
  };
  const keepsRecord = run.eventIds.length > 0 || !single;
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          ledgerUpdate,
          ...(keepsRecord ? [appliedPut] : []),
          ...(single ? updates.map((update) => updateAction(table, update)) : []),
        ],
      }),
    );
  } catch (error) {
    if (cancelReason(error, 0) === 'ConditionalCheckFailed') throw new LedgerMovedError(partitionName(ref));
    throw error;
  }
}

/** Writes the run's updates part by part; a part already written is left as it is. */
export async function applyParts(
  ref: PartitionRef,
  firstOffset: number,
  updates: readonly CounterUpdate[],
): Promise<void> {
  const table = tableName('analytics');
  for (let start = 0, part = 0; start < updates.length; start += updatesPerPart, part++) {
    const marker = {
      Put: {
        TableName: table,
        Item: {
          pk: partPk(ref, firstOffset),
          sk: String(part),
          expiresAt: Math.floor(Date.now() / 1000) + appliedRunSeconds,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    const actions = updates.slice(start, start + updatesPerPart).map((update) => updateAction(table, update));
    try {
      await dynamoClient().send(new TransactWriteCommand({ TransactItems: [marker, ...actions] }));
    } catch (error) {
      if (cancelReason(error, 0) !== 'ConditionalCheckFailed') throw error;
    }
  }
}

async function clearPending(ref: PartitionRef, firstOffset: number): Promise<void> {
  await dynamoClient()
    .send(
      new UpdateCommand({
        TableName: tableName('analytics'),
        Key: ledgerKey(ref),
        UpdateExpression: 'REMOVE pending',
        ConditionExpression: 'pending = :first',
        ExpressionAttributeValues: { ':first': firstOffset },
      }),
    )
    .catch((error: unknown) => {
      // Another consumer finished the run first.
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
}

/** Finishes the run the ledger marks pending, if any, from its applied-run item. */
export async function finishPendingRun(ref: PartitionRef, ledger: Ledger): Promise<void> {
  if (ledger.pending === undefined) return;
  const { Item } = await dynamoClient().send(
    new GetCommand({
      TableName: tableName('analytics'),
      Key: { pk: appliedPk(ref), sk: paddedOffset(ledger.pending) },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`${partitionName(ref)}: pending run ${ledger.pending} has no applied-run item`);
  await applyParts(ref, ledger.pending, (await bodyOf(Item)).updates);
  await clearPending(ref, ledger.pending);
}

export interface CounterItem {
  bucket: string;
  attributes: Record<string, unknown>;
}

/** A dimension's counter items of a report from bucket `from` to bucket `to`, every shard. */
export async function counterItems(
  report: ReportName,
  granularity: Granularity,
  dimension: string,
  shards: number,
  from: string,
  to: string,
): Promise<CounterItem[]> {
  const perShard = await Promise.all(
    Array.from({ length: shards }, async (_, shard) => {
      const items: CounterItem[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamoClient().send(
          new QueryCommand({
            TableName: tableName('analytics'),
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': `${report}#${granularity}#${dimension}#${shard}`,
              ':from': from,
              ':to': to,
            },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const { pk: _pk, sk, ...attributes } of page.Items ?? [])
          items.push({ bucket: String(sk), attributes });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    }),
  );
  return perShard.flat();
}
