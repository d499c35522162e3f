/**
 * The history table (items and keys: shared/domain/history.ts).
 *
 * Filing an event is one transaction: the member has no withdrawal item, the event has no marker
 * yet, and the entry and its marker are written. A redelivered event finds its marker and is not
 * filed twice, wherever its first copy went. Anonymising a member first writes the withdrawal item,
 * then moves what is under the member; a concurrent filing either committed before the withdrawal
 * item (so the move, which reads after it, finds its entry) or fails on it and files anonymously.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type AnonymousEntry,
  anonymised,
  eventMarkerKey,
  type HistoryEntry,
  type HistoryKind,
  kindPartition,
  type ListScope,
  memberPartition,
  type PageKey,
  pageKeyOf,
  type SortKeyRange,
  withdrawalKey,
} from '../domain/history';
import { dynamoClient, tableName } from './client';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const table = () => tableName('history');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Indexes of the transaction's items whose condition failed; undefined if it was not cancelled. */
function failedConditions(error: unknown): Set<number> | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  return new Set(
    reasons.flatMap((reason, index) => (reason.Code === 'ConditionalCheckFailed' ? [index] : [])),
  );
}

/** Runs a transaction, retrying (with jitter) while it only collides with concurrent ones. */
async function transact(items: TransactItem[]): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await dynamoClient().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const collided =
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict') &&
        failedConditions(error)?.size === 0;
      if (!collided || attempt >= 8) throw error;
      await sleep(Math.random() * 20 * 2 ** Math.min(attempt, 5));
    }
  }
}

const markerPut = (entry: AnonymousEntry): TransactItem => ({
  Put: {
    TableName: table(),
    Item: { ...eventMarkerKey(entry.eventId), expiresAt: entry.expiresAt },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

export type FilingOutcome = 'filed' | 'filed anonymously' | 'duplicate';

/** Files an entry under its member, or anonymously once the member has withdrawn; once per event. */
export async function fileEntry(entry: HistoryEntry, memberId: string): Promise<FilingOutcome> {
  try {
    await transact([
      {
        ConditionCheck: {
          TableName: table(),
          Key: withdrawalKey(memberId),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      markerPut(entry),
      { Put: { TableName: table(), Item: entry, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    return 'filed';
  } catch (error) {
    const failed = failedConditions(error);
    if (failed === undefined || failed.size === 0) throw error;
    if (failed.has(1) || failed.has(2)) return 'duplicate';
  }
  // Each late event gets a subject of its own: nothing kept links it to the member or their others.
  return (await fileAnonymously(entry, randomUUID())) ? 'filed anonymously' : 'duplicate';
}

async function fileAnonymously(entry: HistoryEntry, subjectId: string): Promise<boolean> {
  try {
    await transact([
      markerPut(entry),
      {
        Put: {
          TableName: table(),
          Item: anonymised(entry, subjectId, randomUUID()),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    return true;
  } catch (error) {
    if (failedConditions(error)?.size) return false;
    throw error;
  }
}

const moveChunkSize = 25; // two actions per entry, 100 per transaction at most

/** Moves entries to the subject, each removed from the member only if it is still there. */
async function moveEntries(entries: HistoryEntry[], subjectId: string): Promise<number> {
  const actions = (entry: HistoryEntry): TransactItem[] => [
    {
      Delete: {
        TableName: table(),
        Key: { pk: entry.pk, sk: entry.sk },
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    { Put: { TableName: table(), Item: anonymised(entry, subjectId, randomUUID()) } },
  ];
  try {
    await transact(entries.flatMap(actions));
    return entries.length;
  } catch (error) {
    if (!failedConditions(error)?.size) throw error;
    // The member deleted an entry meanwhile: nothing to move of it.
    if (entries.length === 1) return 0;
  }
  // One of them was deleted meanwhile: the others move one by one.
  const moved = await Promise.all(entries.map((entry) => moveEntries([entry], subjectId)));
  return moved.reduce((sum, count) => sum + count, 0);
}

/**
 * Marks the member withdrawn, then moves every entry kept under them to one new anonymous
 * subject; returns how many were moved. Repeating it (a redelivered withdrawal) moves what is
 * left, if anything.
 */
export async function anonymiseMember(memberId: string, withdrawnAt: string): Promise<number> {
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: table(),
        Item: { ...withdrawalKey(memberId), withdrawnAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
  const subjectId = randomUUID();
  let moved = 0;
  // Moved entries leave the partition, so every pass reads from its start until it is empty.
  for (;;) {
    const { Items = [] } = await dynamoClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': memberPartition(memberId) },
        ConsistentRead: true,
        Limit: 500,
      }),
    );
    if (Items.length === 0) return moved;
    const entries = Items as HistoryEntry[];
    const chunks = [];
    for (let start = 0; start < entries.length; start += moveChunkSize) {
      chunks.push(entries.slice(start, start + moveChunkSize));
    }
    const counts = await Promise.all(chunks.map((chunk) => moveEntries(chunk, subjectId)));
    moved += counts.reduce((sum, count) => sum + count, 0);
  }
}

/** The query of a member's entries, all of them or one kind's (through gsi1). */
function memberQuery(scope: ListScope): Pick<QueryCommandInput, 'TableName' | 'IndexName'> & {
  partition: { name: string; value: string };
  sortKey: string;
} {
  return scope.kind
    ? {
        TableName: table(),
        IndexName: 'gsi1',
        partition: { name: 'gsi1pk', value: kindPartition(scope.memberId, scope.kind) },
        sortKey: 'gsi1sk',
      }
    : {
        TableName: table(),
        partition: { name: 'pk', value: memberPartition(scope.memberId) },
        sortKey: 'sk',
      };
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Where the next page starts; undefined on the last page. */
  next?: PageKey;
}

/** A page of the member's entries in the range, newest first. */
export async function listEntries(
  scope: ListScope,
  range: SortKeyRange,
  limit: number,
  after?: PageKey,
): Promise<HistoryPage> {
  // A range that ends before the oldest entry kept, or a previous page that ended on an entry
  // that has expired since: nothing to read.
  if (range.upper !== undefined && range.upper < range.lower) return { entries: [] };
  if (after?.sk !== undefined && after.sk < range.lower) return { entries: [] };
  const { partition, sortKey, ...target } = memberQuery(scope);
  const page = await dynamoClient().send(
    new QueryCommand({
      ...target,
      KeyConditionExpression:
        range.upper === undefined
          ? '#pk = :pk AND #sk >= :lower'
          : '#pk = :pk AND #sk BETWEEN :lower AND :upper',
      ExpressionAttributeNames: { '#pk': partition.name, '#sk': sortKey },
      ExpressionAttributeValues: {
        ':pk': partition.value,
        ':lower': range.lower,
        ...(range.upper !== undefined && { ':upper': range.upper }),
      },
      ScanIndexForward: false,
      // One more than shown tells whether another page exists, so the last page says it is last.
      Limit: limit + 1,
      ExclusiveStartKey: after,
    }),
  );
  const items = (page.Items ?? []) as HistoryEntry[];
  const entries = items.slice(0, limit);
  const last = entries.at(-1);
  const more = items.length > limit || page.LastEvaluatedKey !== undefined;
  return { entries, next: more && last ? pageKeyOf(last, scope) : undefined };
}

const deleteBatchSize = 25; // BatchWriteItem's limit
const deletesInFlight = 16;

async function deleteBatch(keys: Record<string, unknown>[]): Promise<void> {
  let requests = keys.map((Key) => ({ DeleteRequest: { Key } }));
  for (let attempt = 0; requests.length > 0; attempt += 1) {
    if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
    const { UnprocessedItems } = await dynamoClient().send(
      new BatchWriteCommand({ RequestItems: { [table()]: requests } }),
    );
    requests = (UnprocessedItems?.[table()] ?? []) as typeof requests;
  }
}

/** Deletes the batches, at most `deletesInFlight` requests at a time. */
async function deleteInParallel(keys: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let start = 0; start < keys.length; start += deleteBatchSize) {
    batches.push(keys.slice(start, start + deleteBatchSize));
  }
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) await deleteBatch(batch);
  };
  await Promise.all(Array.from({ length: Math.min(deletesInFlight, batches.length) }, worker));
}

export interface Deletion {
  deleted: number;
  /** False when the deadline came first: entries are left, and deleting again continues. */
  complete: boolean;
}

/**
 * Deletes the member's entries, all or one kind's, a page of keys at a time with parallel batch
 * deletes; stops starting new pages after `deadline` (epoch ms) so the answer beats the timeout.
 */
export async function deleteEntries(
  memberId: string,
  kind: HistoryKind | undefined,
  deadline: number,
): Promise<Deletion> {
  const { partition, sortKey: _sortKey, ...target } = memberQuery({ memberId, kind });
  const pages = paginateQuery(
    { client: dynamoClient(), pageSize: 1_000 },
    {
      ...target,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': partition.name, '#key': 'pk', '#sort': 'sk' },
      ExpressionAttributeValues: { ':pk': partition.value },
      ProjectionExpression: '#key, #sort',
    },
  );
  let deleted = 0;
  for await (const page of pages) {
    const keys = page.Items ?? [];
    await deleteInParallel(keys);
    deleted += keys.length;
    if (page.LastEvaluatedKey && Date.now() > deadline) return { deleted, complete: false };
  }
  return { deleted, complete: true };
}
