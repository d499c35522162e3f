/**
 * Transactional outbox: an event is written in the same DynamoDB transaction as the change it
 * reports, then relayed to Kafka, right after the transaction by the request itself and, for
 * whatever that could not send (Kafka down), by the scheduled relay function. An event is never
 * lost; it may be sent twice, always with the same event id, and consumers count it once.
 *
 * Items: pk `EVENT#<eventId>`, sk `EVENT`, with `gsi1pk` `PENDING#<shard>` and `gsi1sk`
 * `<time>#<eventId>` until sent (a sparse index of what is pending, spread over a few shards).
 * An entry may instead name an offer whose current state is to be announced on the catalog topic
 * (`offerSnapshot`): stock changes by orders are announced with the offer as it is when sent.
 */
import { createHash } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { offerEvent } from '../catalog/offers';
import { dynamoClient, tableName } from '../dynamo/client';
import { findOffer } from '../dynamo/offer-store';
import { type EventTopicKey, requireValidEvent } from '../events';
import { type DomainEvent, publishEvents } from '../kafka/events';
import { logger } from '../logger';

const shards = 4;
const keepDays = 7;

export interface OutboxEntry {
  eventId: string;
  topicKey: EventTopicKey;
  event?: DomainEvent;
  offerSnapshot?: string;
  createdAt: string;
}

const shardOf = (eventId: string) => createHash('sha256').update(eventId).digest().readUInt8(0) % shards;
const entryKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });

/** The Put of a transaction that records an event for Kafka. */
export function outboxPut(entry: OutboxEntry): { Put: { TableName: string; Item: Record<string, unknown> } } {
  return {
    Put: {
      TableName: tableName('outbox'),
      Item: {
        ...entryKey(entry.eventId),
        ...entry,
        gsi1pk: `PENDING#${shardOf(entry.eventId)}`,
        gsi1sk: `${entry.createdAt}#${entry.eventId}`,
        expiresAt: Math.floor(Date.parse(entry.createdAt) / 1000) + keepDays * 86_400,
      },
    },
  };
}

/** The entry of an event; InvalidEventError before anything is written if its topic refuses it. */
export function eventEntry(topicKey: EventTopicKey, event: DomainEvent): OutboxEntry {
  return { eventId: event.id, topicKey, event: requireValidEvent(topicKey, event), createdAt: event.time };
}

/** An entry that announces the offer's state at the time it is sent. */
export function offerSnapshotEntry(offerId: string, eventId: string, now: Date): OutboxEntry {
  return { eventId, topicKey: 'catalogEvents', offerSnapshot: offerId, createdAt: now.toISOString() };
}

async function markSent(eventId: string): Promise<void> {
  await dynamoClient()
    .send(
      new UpdateCommand({
        TableName: tableName('outbox'),
        Key: entryKey(eventId),
        UpdateExpression: 'SET sentAt = :now REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    )
    .catch((error: Error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
}

/** Sends the entries to Kafka (in order, per topic) and marks them sent. */
export async function sendEntries(entries: readonly OutboxEntry[], now = new Date()): Promise<void> {
  const byTopic = new Map<EventTopicKey, DomainEvent[]>();
  const snapshots = new Set<string>();
  for (const entry of entries) {
    if (entry.offerSnapshot) {
      snapshots.add(entry.offerSnapshot);
      continue;
    }
    if (entry.event) byTopic.set(entry.topicKey, [...(byTopic.get(entry.topicKey) ?? []), entry.event]);
  }
  const offers = await Promise.all([...snapshots].map((offerId) => findOffer(offerId)));
  const catalog = offers.filter((offer) => offer !== undefined).map((offer) => offerEvent(offer, now));
  if (catalog.length > 0) byTopic.set('catalogEvents', [...(byTopic.get('catalogEvents') ?? []), ...catalog]);
  for (const [topicKey, events] of byTopic) await publishEvents(topicKey, events);
  await Promise.all(entries.map((entry) => markSent(entry.eventId)));
}

/**
 * Right after a transaction: tries to send its entries at once. A failure leaves them pending for
 * the relay; the request that wrote them still succeeds.
 */
export async function sendSoon(entries: readonly OutboxEntry[]): Promise<void> {
  try {
    await sendEntries(entries);
  } catch (error) {
    logger.warn('outbox events left for the relay', {
      events: entries.map((entry) => entry.eventId),
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Entries still pending, oldest first, from every shard. */
export async function pendingEntries(limitPerShard = 100): Promise<OutboxEntry[]> {
  const pages = await Promise.all(
    Array.from({ length: shards }, (_, shard) =>
      dynamoClient().send(
        new QueryCommand({
          TableName: tableName('outbox'),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pending',
          ExpressionAttributeValues: { ':pending': `PENDING#${shard}` },
          Limit: limitPerShard,
        }),
      ),
    ),
  );
  return pages
    .flatMap((page) => page.Items ?? [])
    .map((item) => item as unknown as OutboxEntry)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Sends everything pending; answers how many entries went out. */
export async function relayPending(): Promise<number> {
  // The index is eventually consistent: an entry just marked sent may still be listed once more.
  const sent = new Set<string>();
  for (;;) {
    const entries = (await pendingEntries()).filter((entry) => !sent.has(entry.eventId));
    if (entries.length === 0) return sent.size;
    await sendEntries(entries);
    for (const entry of entries) sent.add(entry.eventId);
  }
}
