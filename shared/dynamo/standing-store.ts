/**
 * The sellers table, standing part: each seller's counters per day, its open shipments, the
 * standing consumer's ledger and applied runs, manual suspensions and the standing policy.
 *
 * Items:
 * - counters: pk `STANDING#<sellerId>`, sk `DAY#<day>` (Seoul business day), a number per field
 *   (shared/domain/seller-standing.ts), `expiresAt` 40 days on;
 * - shipment: pk `STANDING#<sellerId>`, sk `OPEN#<orderId>`: `paidAt`, `dueAt` (ms) set when the
 *   order is paid, `closedAt` when the seller ships or the order is cancelled; open while it has a
 *   `dueAt` and no `closedAt`. Both are set only if absent, so events of an order that arrive out
 *   of order (after an outage) leave the same item: a shipment closed before its payment was read
 *   is never open;
 * - ledger: pk `LEDGER#standing`, sk `<topic>#<partition>`: `offset`, the last offset applied;
 * - applied runs: pk `APPLIED#standing#<topic>#<partition>`, sk the run's first offset (padded),
 *   a gzipped body of the event ids it counted, kept a day;
 * - suspension: pk `SUSPENSION`, sk `<sellerId>`: `reason`, `suspendedAt`, `suspendedBy`;
 * - policy: pk `POLICY`, sk `CURRENT`, and every version kept at sk `V#<version, padded>`.
 *
 * The consumer applies a run in one transaction: its counter updates, open-shipment puts and
 * deletes, the applied-run item, and the ledger moved from the offset the run was read at to its
 * last offset (the mechanism of the analytics consumers, shared/dynamo/analytics-store.ts). A run
 * never holds more writes than one transaction takes: the consumer applies what it has gathered
 * before an event would take it past that. A redelivered run, or one another container applied
 * meanwhile, fails the ledger's condition and changes nothing.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { duplicateEventWindowMs } from '../domain/outbox';
import {
  countersExpireAt,
  type StandingPolicy,
  type StandingPolicyInput,
  type StandingTotals,
  windowDays,
} from '../domain/seller-standing';
import { dynamoClient, tableName } from './client';

/** The ledger moved since it was read: another container applied this partition's records. */
export class StandingLedgerMovedError extends Error {
  constructor(readonly partitionKey: string) {
    super(`Standing ledger of ${partitionKey} moved meanwhile`);
    this.name = 'StandingLedgerMovedError';
  }
}

export class PolicyVersionMismatchError extends Error {
  constructor(readonly current: number) {
    super(`The standing policy is at version ${current}`);
    this.name = 'PolicyVersionMismatchError';
  }
}

export interface StandingPartition {
  topic: string;
  partition: number;
}

export interface AppliedStandingRun {
  eventIds: string[];
  appliedAt: number;
}

/** Writes one transaction takes beside the ledger and the applied-run item. */
export const maxRunWrites = 98;
/** Event ids one run's body holds, far below DynamoDB's 400 KB item. */
export const maxEventsPerRun = 5_000;

const appliedRunSeconds = Math.max(86_400, Math.ceil(duplicateEventWindowMs / 1000));
const zip = promisify(gzip);
const unzip = promisify(gunzip);
const table = () => tableName('sellers');

const sellerPk = (sellerId: string) => `STANDING#${sellerId}`;
const dayKey = (sellerId: string, day: string) => ({ pk: sellerPk(sellerId), sk: `DAY#${day}` });
const openKey = (sellerId: string, orderId: string) => ({ pk: sellerPk(sellerId), sk: `OPEN#${orderId}` });
const ledgerKey = ({ topic, partition }: StandingPartition) => ({
  pk: 'LEDGER#standing',
  sk: `${topic}#${partition}`,
});
const appliedPk = ({ topic, partition }: StandingPartition) => `APPLIED#standing#${topic}#${partition}`;
const paddedOffset = (offset: number) => String(offset).padStart(20, '0');

/** Counters added to one seller's day. */
export interface CounterWrite {
  sellerId: string;
  day: string;
  /** An instant of the day, for its expiry. */
  atMs: number;
  fields: Record<string, number>;
}

export interface OpenShipment {
  sellerId: string;
  orderId: string;
  paidAt: number;
  dueAt: number;
}

export interface ClosedShipment {
  sellerId: string;
  orderId: string;
  closedAt: number;
}

export interface StandingRun {
  afterOffset: number;
  lastOffset: number;
  eventIds: readonly string[];
  counters: readonly CounterWrite[];
  opened: readonly OpenShipment[];
  closed: readonly ClosedShipment[];
  now: number;
}

/** The partition's last applied offset; -1 when nothing has been. */
export async function standingLedgerOf(ref: StandingPartition): Promise<number> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: ledgerKey(ref), ConsistentRead: true }),
  );
  return typeof Item?.offset === 'number' ? Item.offset : -1;
}

/** The runs applied since `sinceMs`, newest first. */
export async function standingRunsSince(
  ref: StandingPartition,
  sinceMs: number,
): Promise<AppliedStandingRun[]> {
  const runs: AppliedStandingRun[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': appliedPk(ref) },
        ScanIndexForward: false,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.appliedAt < sinceMs) return runs;
      const { eventIds } = JSON.parse((await unzip(item.body as Uint8Array)).toString('utf8')) as {
        eventIds: string[];
      };
      runs.push({ eventIds, appliedAt: item.appliedAt });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return runs;
}

/** How many writes a run's parts take in its transaction. */
export const runWrites = (run: Pick<StandingRun, 'counters' | 'opened' | 'closed'>) =>
  run.counters.length + run.opened.length + run.closed.length;

function counterUpdate({ sellerId, day, atMs, fields }: CounterWrite) {
  const names: Record<string, string> = { '#expiresAt': 'expiresAt' };
  const values: Record<string, number> = { ':expiresAt': countersExpireAt(atMs) };
  const adds = Object.entries(fields).map(([field, amount], index) => {
    names[`#c${index}`] = field;
    values[`:c${index}`] = amount;
    return `#c${index} :c${index}`;
  });
  return {
    Update: {
      TableName: table(),
      Key: dayKey(sellerId, day),
      UpdateExpression: `SET #expiresAt = :expiresAt ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** Applies a run; StandingLedgerMovedError when the ledger is no longer at `afterOffset`. */
export async function applyStandingRun(ref: StandingPartition, run: StandingRun): Promise<void> {
  if (runWrites(run) > maxRunWrites)
    throw new RangeError(`A standing run takes at most ${maxRunWrites} writes`);
  const ledgerUpdate = {
    Update: {
      TableName: table(),
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
  const applied =
    run.eventIds.length === 0
      ? []
      : [
          {
            Put: {
              TableName: table(),
              Item: {
                pk: appliedPk(ref),
                sk: paddedOffset(run.afterOffset + 1),
                lastOffset: run.lastOffset,
                body: await zip(JSON.stringify({ eventIds: run.eventIds })),
                appliedAt: run.now,
                expiresAt: Math.floor(run.now / 1000) + appliedRunSeconds,
              },
            },
          },
        ];
  const opened = run.opened.map((open) => ({
    Update: {
      TableName: table(),
      Key: openKey(open.sellerId, open.orderId),
      UpdateExpression:
        'SET paidAt = if_not_exists(paidAt, :paidAt), dueAt = if_not_exists(dueAt, :dueAt), expiresAt = :expiresAt',
      ExpressionAttributeValues: {
        ':paidAt': open.paidAt,
        ':dueAt': open.dueAt,
        ':expiresAt': countersExpireAt(open.dueAt),
      },
    },
  }));
  const closed = run.closed.map(({ sellerId, orderId, closedAt }) => ({
    Update: {
      TableName: table(),
      Key: openKey(sellerId, orderId),
      UpdateExpression: 'SET closedAt = if_not_exists(closedAt, :closedAt), expiresAt = :expiresAt',
      ExpressionAttributeValues: { ':closedAt': closedAt, ':expiresAt': countersExpireAt(closedAt) },
    },
  }));
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [ledgerUpdate, ...applied, ...run.counters.map(counterUpdate), ...opened, ...closed],
      }),
    );
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      throw new StandingLedgerMovedError(`${ref.topic}-${ref.partition}`);
    throw error;
  }
}

/** The shipments of these (seller, order) pairs that are open: paid for, neither shipped nor cancelled. */
export async function openShipments(
  pairs: readonly { sellerId: string; orderId: string }[],
): Promise<OpenShipment[]> {
  // A batch get refuses a key twice.
  const keys = [...new Map(pairs.map((pair) => [`${pair.sellerId}\u0000${pair.orderId}`, pair])).values()];
  const found: OpenShipment[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead?: boolean }> | undefined = {
      [table()]: {
        Keys: keys.slice(start, start + 100).map(({ sellerId, orderId }) => openKey(sellerId, orderId)),
        ConsistentRead: true,
      },
    };
    while (request && Object.keys(request).length > 0) {
      const answer = await dynamoClient().send(new BatchGetCommand({ RequestItems: request }));
      for (const item of answer.Responses?.[table()] ?? []) {
        if (typeof item.dueAt !== 'number' || item.closedAt !== undefined) continue;
        found.push({
          sellerId: String(item.pk).slice('STANDING#'.length),
          orderId: String(item.sk).slice('OPEN#'.length),
          paidAt: item.paidAt,
          dueAt: item.dueAt,
        });
      }
      request = answer.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

async function queryAll(input: ConstructorParameters<typeof QueryCommand>[0]) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** A seller's counters summed over the window ending at `nowMs`, and its open shipments past their deadline. */
export async function standingTotals(sellerId: string, nowMs: number): Promise<StandingTotals> {
  const days = windowDays(nowMs);
  const [dayItems, overdue] = await Promise.all([
    queryAll({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': sellerPk(sellerId),
        ':from': `DAY#${days[0]}`,
        ':to': `DAY#${days[days.length - 1]}`,
      },
    }),
    queryAll({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :open)',
      FilterExpression: 'dueAt < :now AND attribute_not_exists(closedAt)',
      ExpressionAttributeValues: { ':pk': sellerPk(sellerId), ':open': 'OPEN#', ':now': nowMs },
      ProjectionExpression: 'pk',
    }),
  ]);
  const fields: Record<string, number> = {};
  for (const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...counters } of dayItems) {
    for (const [field, amount] of Object.entries(counters))
      if (typeof amount === 'number') fields[field] = (fields[field] ?? 0) + amount;
  }
  return { fields, overdueOpen: overdue.length };
}

/** The counter update of one seller's day, for a transaction of another store (complaints). */
export const standingCounterUpdate = counterUpdate;

export interface Suspension {
  sellerId: string;
  reason: string;
  suspendedAt: string;
  suspendedBy: string;
}

const suspensionKey = (sellerId: string) => ({ pk: 'SUSPENSION', sk: sellerId });

export async function putSuspension(suspension: Suspension): Promise<void> {
  await dynamoClient().send(
    new PutCommand({ TableName: table(), Item: { ...suspensionKey(suspension.sellerId), ...suspension } }),
  );
}

/** Removes a seller's suspension; false when it had none. */
export async function deleteSuspension(sellerId: string): Promise<boolean> {
  const { Attributes } = await dynamoClient().send(
    new DeleteCommand({ TableName: table(), Key: suspensionKey(sellerId), ReturnValues: 'ALL_OLD' }),
  );
  return Attributes !== undefined;
}

export async function findSuspension(sellerId: string): Promise<Suspension | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: suspensionKey(sellerId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { sellerId: id, reason, suspendedAt, suspendedBy } = Item as Suspension & Record<string, unknown>;
  return { sellerId: id, reason, suspendedAt, suspendedBy };
}

/** Every manually suspended seller. */
export async function allSuspensions(): Promise<string[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'SUSPENSION' },
    ProjectionExpression: 'sk',
  });
  return items.map((item) => String(item.sk));
}

const policyKey = { pk: 'POLICY', sk: 'CURRENT' };

/** The policy as stored, or undefined before an admin set one. */
export async function findPolicy(): Promise<StandingPolicy | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: policyKey, ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { suspendOffers, suspendAtOrBelow, version, updatedAt, updatedBy } = Item as StandingPolicy &
    Record<string, unknown>;
  return { suspendOffers, suspendAtOrBelow, version, updatedAt, updatedBy };
}

/**
 * Writes the next version of the policy, conditional on the current one being `current` (0: none
 * yet), and keeps the version beside it; PolicyVersionMismatchError otherwise.
 */
export async function writePolicy(
  input: Omit<StandingPolicyInput, 'expectedVersion'>,
  current: number,
  updatedBy: string,
  now: Date,
): Promise<StandingPolicy> {
  const policy: StandingPolicy = {
    suspendOffers: input.suspendOffers,
    suspendAtOrBelow: input.suspendAtOrBelow,
    version: current + 1,
    updatedAt: now.toISOString(),
    updatedBy,
  };
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...policyKey, ...policy },
              ConditionExpression: current === 0 ? 'attribute_not_exists(pk)' : 'version = :current',
              ...(current > 0 && { ExpressionAttributeValues: { ':current': current } }),
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { pk: 'POLICY', sk: `V#${String(policy.version).padStart(10, '0')}`, ...policy },
            },
          },
        ],
      }),
    );
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      throw new PolicyVersionMismatchError((await findPolicy())?.version ?? 0);
    throw error;
  }
  return policy;
}
