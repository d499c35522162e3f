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
 * A transaction writes the entries of entries.ts; this module relays them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { offerEvent } from '../catalog/offers';
import { dynamoClient, tableName } from '../dynamo/client';
import { findOffer } from '../dynamo/offer-store';
import type { EventTopicKey } from '../events';
import type { DomainEvent } from '../events/envelope';
import { publishEvents } from '../kafka/events';
import { logger } from '../logger';
import { entryKey, type OutboxEntry, shards } from './entries';

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
