/**
 * Transactional outbox: an event is written in the same DynamoDB transaction as the change it
 * reports, then relayed to Kafka, right after the transaction by the request itself and, for
 * whatever that could not send (Kafka down), by the scheduled relay function. An event is never
 * lost; it may be sent twice, always with the same event id, and consumers count it once (they
 * remember ids for as long as an entry can be sent: shared/domain/outbox.ts).
 *
 * Items: pk `EVENT#<eventId>`, sk `EVENT`, with `gsi1pk` `PENDING#<shard>` and `gsi1sk`
 * `<time>#<eventId>` until sent (a sparse index of what is pending, spread over a few shards).
 * An entry may instead name an offer whose current state is to be announced on the catalog topic
 * (`offerSnapshot`): stock changes by orders are announced with the offer as it is when sent.
 * A transaction writes the entries of entries.ts; this module relays them.
 *
 * An entry that cannot be sent does not hold up the others: one whose event fails its topic's
 * schema, or whose record Kafka refuses, is set aside at once; one Kafka keeps failing to take is
 * set aside once its send window has passed. A set-aside entry moves to `gsi1pk` `SET-ASIDE`
 * (`gsi1sk` `<set aside at>#<eventId>`) with `setAsideReason`, is kept (no expiry), and is logged
 * as an error with the message `outbox entry set aside`.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { offerEvent } from '../catalog/offers';
import { type SendFailure, setAsideReason } from '../domain/outbox';
import { dynamoClient, tableName } from '../dynamo/client';
import { findOffer } from '../dynamo/offer-store';
import { checkEvent, type EventTopicKey } from '../events';
import type { DomainEvent } from '../events/envelope';
import { publishEach } from '../kafka/events';
import { logger } from '../logger';
import { entryKey, type OutboxEntry, setAsidePartition, shardOf, shards } from './entries';

/** How long a sent entry is kept (for inspection), from when it was sent. */
const keepSentDays = 7;
/** The log message of a set-aside entry, for alarms to match. */
export const setAsideMessage = 'outbox entry set aside';

/** An entry as stored, with what the relay recorded of it. */
export interface StoredEntry extends OutboxEntry {
  attempts?: number;
  lastError?: string;
  setAsideAt?: string;
  setAsideReason?: string;
  sentAt?: string;
}

/** Runs an update whose condition may no longer hold (the entry moved on meanwhile): false then. */
async function ifCondition(update: UpdateCommand): Promise<boolean> {
  try {
    await dynamoClient().send(update);
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The condition of an update meant only for an entry still pending, with its value. */
const stillPending = {
  ConditionExpression: 'begins_with(gsi1pk, :pendingPrefix)',
  pendingPrefix: 'PENDING#',
};

async function markSent(eventId: string, now: Date): Promise<void> {
  await ifCondition(
    new UpdateCommand({
      TableName: tableName('outbox'),
      Key: entryKey(eventId),
      UpdateExpression: 'SET sentAt = :now, expiresAt = :expires REMOVE gsi1pk, gsi1sk, lastError',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':now': now.toISOString(),
        ':expires': Math.floor(now.getTime() / 1000) + keepSentDays * 86_400,
      },
    }),
  );
}

async function setAside(entry: OutboxEntry, reason: string, now: Date): Promise<void> {
  const at = now.toISOString();
  const moved = await ifCondition(
    new UpdateCommand({
      TableName: tableName('outbox'),
      Key: entryKey(entry.eventId),
      UpdateExpression:
        'SET setAsideAt = :at, setAsideReason = :reason, gsi1pk = :aside, gsi1sk = :sk REMOVE expiresAt',
      ConditionExpression: stillPending.ConditionExpression,
      ExpressionAttributeValues: {
        ':at': at,
        ':reason': reason,
        ':aside': setAsidePartition,
        ':sk': `${at}#${entry.eventId}`,
        ':pendingPrefix': stillPending.pendingPrefix,
      },
    }),
  );
  if (moved) {
    logger.error(setAsideMessage, {
      eventId: entry.eventId,
      topicKey: entry.topicKey,
      createdAt: entry.createdAt,
      reason,
    });
  }
}

async function recordFailure(entry: OutboxEntry, reason: string): Promise<void> {
  await ifCondition(
    new UpdateCommand({
      TableName: tableName('outbox'),
      Key: entryKey(entry.eventId),
      UpdateExpression: 'SET lastError = :reason ADD attempts :one',
      ConditionExpression: stillPending.ConditionExpression,
      ExpressionAttributeValues: {
        ':reason': reason,
        ':one': 1,
        ':pendingPrefix': stillPending.pendingPrefix,
      },
    }),
  );
}

/** What one send of entries did. */
export interface SendOutcome {
  sent: number;
  /** Left pending: Kafka did not take them this time. */
  retry: number;
  setAside: number;
}

/**
 * Sends the entries to Kafka (in order, per topic) and marks each one Kafka took as sent. An entry
 * that cannot be sent is set aside, one that failed this time is left pending with its error;
 * neither stops the others.
 */
export async function sendEntries(entries: readonly OutboxEntry[], now = new Date()): Promise<SendOutcome> {
  const outcome: SendOutcome = { sent: 0, retry: 0, setAside: 0 };
  /** Entries behind each event to publish (one snapshot event may stand for several entries). */
  const entriesOf = new Map<string, OutboxEntry[]>();
  const byTopic = new Map<EventTopicKey, DomainEvent[]>();
  const fail = async (entry: OutboxEntry, failure: SendFailure) => {
    const reason = setAsideReason(failure, entry.requeuedAt ?? entry.createdAt, now);
    if (reason === undefined) {
      outcome.retry += 1;
      await recordFailure(entry, failure.reason);
    } else {
      outcome.setAside += 1;
      await setAside(entry, reason, now);
    }
  };
  const sent = async (entry: OutboxEntry) => {
    outcome.sent += 1;
    await markSent(entry.eventId, now);
  };
  const enqueue = (topicKey: EventTopicKey, event: DomainEvent, behind: OutboxEntry[]) => {
    byTopic.set(topicKey, [...(byTopic.get(topicKey) ?? []), event]);
    entriesOf.set(event.id, behind);
  };

  const snapshots = new Map<string, OutboxEntry[]>();
  const writes: Promise<void>[] = [];
  for (const entry of entries) {
    if (entry.offerSnapshot) {
      snapshots.set(entry.offerSnapshot, [...(snapshots.get(entry.offerSnapshot) ?? []), entry]);
      continue;
    }
    const check = entry.event
      ? checkEvent(entry.topicKey, entry.event)
      : { ok: false as const, reason: 'the entry holds neither an event nor an offer snapshot' };
    if (check.ok) enqueue(entry.topicKey, check.event, [entry]);
    else writes.push(fail(entry, { kind: 'permanent', reason: check.reason }));
  }
  // The offers read at once: a snapshot per line of an order is on the request's path.
  const snapshotted = [...snapshots];
  const offers = await Promise.all(snapshotted.map(([offerId]) => findOffer(offerId)));
  for (const [index, [, behind]] of snapshotted.entries()) {
    const offer = offers[index];
    if (!offer) {
      // Nothing left to announce.
      writes.push(...behind.map(sent));
      continue;
    }
    const check = checkEvent('catalogEvents', offerEvent(offer, now));
    if (check.ok) enqueue('catalogEvents', check.event, behind);
    else writes.push(...behind.map((entry) => fail(entry, { kind: 'permanent', reason: check.reason })));
  }
  await Promise.all(writes);

  for (const [topicKey, events] of byTopic) {
    const published = await publishEach(topicKey, events);
    const behind = (event: DomainEvent) => entriesOf.get(event.id) ?? [];
    await Promise.all([
      ...published.sent.flatMap((event) => behind(event).map(sent)),
      ...published.failed.flatMap(({ event, error, refused }) => {
        const failure: SendFailure = refused
          ? { kind: 'permanent', reason: `Kafka refused the record: ${error.message}` }
          : { kind: 'transient', reason: error.message };
        return behind(event).map((entry) => fail(entry, failure));
      }),
    ]);
  }
  return outcome;
}

/**
 * Right after a transaction: tries to send its entries at once. What Kafka did not take is left
 * for the relay; the request that wrote them still succeeds.
 */
export async function sendSoon(entries: readonly OutboxEntry[]): Promise<void> {
  try {
    const outcome = await sendEntries(entries);
    if (outcome.retry > 0) {
      logger.warn('outbox events left for the relay', { events: entries.map((entry) => entry.eventId) });
    }
  } catch (error) {
    logger.warn('outbox events left for the relay', {
      events: entries.map((entry) => entry.eventId),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

type PageKey = Record<string, unknown> | undefined;

async function indexPage(partition: string, limit: number, after: PageKey) {
  const page = await dynamoClient().send(
    new QueryCommand({
      TableName: tableName('outbox'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :partition',
      ExpressionAttributeValues: { ':partition': partition },
      Limit: limit,
      ExclusiveStartKey: after,
    }),
  );
  return { entries: (page.Items ?? []) as StoredEntry[], next: page.LastEvaluatedKey };
}

const byCreation = (a: OutboxEntry, b: OutboxEntry) => a.createdAt.localeCompare(b.createdAt);

/** Entries still pending, oldest first: the first `limitPerShard` of every shard. */
export async function pendingEntries(limitPerShard = 100): Promise<StoredEntry[]> {
  const pages = await Promise.all(
    Array.from({ length: shards }, (_, shard) => indexPage(`PENDING#${shard}`, limitPerShard, undefined)),
  );
  return pages.flatMap((page) => page.entries).sort(byCreation);
}

/**
 * Sends what is pending, oldest first, a page of every shard at a time, past entries that fail:
 * at most `maxPages` pages per shard per run, and no further once a page sent nothing because
 * Kafka took nothing (it is down). Answers how many entries went out; throws when Kafka took none
 * of the entries it was offered, so a run during an outage fails visibly.
 */
export async function relayPending(now = new Date(), maxPages = 20, pageSize = 100): Promise<number> {
  const cursors: PageKey[] = Array.from({ length: shards }, () => undefined);
  const open = new Set(Array.from({ length: shards }, (_, shard) => shard));
  let sent = 0;
  for (let page = 0; page < maxPages && open.size > 0; page += 1) {
    const read = await Promise.all(
      [...open].map(async (shard) => ({
        shard,
        ...(await indexPage(`PENDING#${shard}`, pageSize, cursors[shard])),
      })),
    );
    for (const { shard, next } of read) {
      cursors[shard] = next;
      if (!next) open.delete(shard);
    }
    // Each shard is read forward from its cursor, so no entry comes twice in a run.
    const entries = read.flatMap((shardPage) => shardPage.entries).sort(byCreation);
    if (entries.length === 0) continue;
    const outcome = await sendEntries(entries, now);
    sent += outcome.sent;
    if (outcome.sent === 0 && outcome.retry > 0) {
      if (sent > 0) break;
      throw new Error(`Kafka took none of ${outcome.retry} outbox entries; they stay pending`);
    }
  }
  return sent;
}

/** Entries set aside, oldest first, with their reasons. */
export async function setAsideEntries(
  limit = 100,
  after?: PageKey,
): Promise<{ entries: StoredEntry[]; next: PageKey }> {
  return indexPage(setAsidePartition, limit, after);
}

/**
 * Puts a set-aside entry back to be sent (once its cause is fixed), with a new send window;
 * false when it is not set aside.
 */
export async function requeueEntry(eventId: string, now = new Date()): Promise<boolean> {
  const at = now.toISOString();
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: tableName('outbox'),
        Key: entryKey(eventId),
        UpdateExpression:
          'SET requeuedAt = :at, gsi1pk = :pending, gsi1sk = :sk REMOVE setAsideAt, setAsideReason',
        ConditionExpression: 'gsi1pk = :aside',
        ExpressionAttributeValues: {
          ':at': at,
          ':pending': `PENDING#${shardOf(eventId)}`,
          ':sk': `${at}#${eventId}`,
          ':aside': setAsidePartition,
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
