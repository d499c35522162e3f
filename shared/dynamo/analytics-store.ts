/**
 * The analytics table: counters, and what each report's consumer has applied of each partition.
 *
 * Items:
 * - counters: pk `<report>#<granularity>#<dimension>#<shard>`, sk the bucket (`2026-11-25T09`,
 *   `2026-11-25`), a number attribute per `field:value` (shared/domain/analytics.ts);
 * - ledger: pk `LEDGER#<report>`, sk `<topic>#<partition>`, `offset` = the last offset applied;
 * - applied runs: pk `APPLIED#<report>#<topic>#<partition>`, sk the run's first offset (padded),
 *   the event ids it counted and when, kept a day for the duplicate check.
 *
 * A run of events is applied in one transaction: its counter increments, its applied-run item and
 * the ledger moved from the offset it was read at to the run's last offset. A redelivered run, or
 * one another consumer applied meanwhile, fails the ledger's condition and changes nothing.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterDeltas, Granularity, ReportName } from '../domain/analytics';
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

/** Largest transaction DynamoDB takes, less the ledger and the applied-run item. */
export const maxCounterItemsPerRun = 98;
/** Increments per counter item that keep its update expression under DynamoDB's 4 KB. */
export const maxCountersPerItem = 250;

const appliedRunDays = 1;
const offsetDigits = 20;

const ledgerKey = ({ report, topic, partition }: PartitionRef) => ({
  pk: `LEDGER#${report}`,
  sk: `${topic}#${partition}`,
});
const appliedPk = ({ report, topic, partition }: PartitionRef) => `APPLIED#${report}#${topic}#${partition}`;

/** The last offset applied of a partition, or -1 when nothing has been. */
export async function appliedOffset(ref: PartitionRef): Promise<number> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tableName('analytics'), Key: ledgerKey(ref), ConsistentRead: true }),
  );
  return typeof Item?.offset === 'number' ? Item.offset : -1;
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
      runs.push({
        firstOffset: Number(item.sk),
        lastOffset: item.lastOffset,
        eventIds: item.eventIds === '' ? [] : String(item.eventIds).split(' '),
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

/** Applies a run of records in one transaction; LedgerMovedError when the ledger moved. */
export async function applyRun(ref: PartitionRef, run: Run): Promise<void> {
  const table = tableName('analytics');
  const firstOffset = run.afterOffset + 1;
  const counterUpdates = [...run.deltas.items.values()]
    .filter(({ counters }) => counters.size > 0)
    .map(({ key, counters }) => {
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const adds: string[] = [];
      let index = 0;
      for (const [attribute, amount] of counters) {
        names[`#c${index}`] = attribute;
        values[`:c${index}`] = amount;
        adds.push(`#c${index} :c${index}`);
        index++;
      }
      return {
        Update: {
          TableName: table,
          Key: { pk: `${key.report}#${key.granularity}#${key.dimension}#${key.shard}`, sk: key.bucket },
          UpdateExpression: `ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    });
  if (counterUpdates.length > maxCounterItemsPerRun)
    throw new RangeError(
      `A run touches ${counterUpdates.length} counter items; at most ${maxCounterItemsPerRun}`,
    );
  const ledgerUpdate = {
    Update: {
      TableName: table,
      Key: ledgerKey(ref),
      UpdateExpression: 'SET #offset = :last, updatedAt = :now',
      ConditionExpression: run.afterOffset < 0 ? 'attribute_not_exists(#offset)' : '#offset = :after',
      ExpressionAttributeNames: { '#offset': 'offset' },
      ExpressionAttributeValues: {
        ':last': run.lastOffset,
        ':now': run.now,
        ...(run.afterOffset >= 0 && { ':after': run.afterOffset }),
      },
    },
  };
  const appliedPut = {
    Put: {
      TableName: table,
      Item: {
        pk: appliedPk(ref),
        sk: String(firstOffset).padStart(offsetDigits, '0'),
        lastOffset: run.lastOffset,
        eventIds: run.eventIds.join(' '),
        appliedAt: run.now,
        expiresAt: Math.floor(run.now / 1000) + appliedRunDays * 86_400,
      },
    },
  };
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [ledgerUpdate, ...(run.eventIds.length > 0 ? [appliedPut] : []), ...counterUpdates],
      }),
    );
  } catch (error) {
    const ledgerReason =
      error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
    if (ledgerReason?.Code === 'ConditionalCheckFailed')
      throw new LedgerMovedError(`${ref.report} ${ref.topic}-${ref.partition}`);
    throw error;
  }
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
