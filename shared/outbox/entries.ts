/**
 * The entries of the transactional outbox (outbox.ts) as a transaction writes them beside its
 * change. Apart from the relay, so that a module that only writes or reads orders needs no Kafka
 * producer.
 */
import { createHash } from 'node:crypto';
import { tableName } from '../dynamo/client';
import { type EventTopicKey, requireValidEvent } from '../events';
import type { DomainEvent } from '../events/envelope';

export const shards = 4;

/** The sparse index's partition of the entries set aside (outbox.ts), beside `PENDING#<shard>`. */
export const setAsidePartition = 'SET-ASIDE';

export interface OutboxEntry {
  eventId: string;
  topicKey: EventTopicKey;
  event?: DomainEvent;
  offerSnapshot?: string;
  createdAt: string;
  /** When an operator put a set-aside entry back to be sent; its send window starts again then. */
  requeuedAt?: string;
}

export const shardOf = (eventId: string) =>
  createHash('sha256').update(eventId).digest().readUInt8(0) % shards;
export const entryKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });

/**
 * The Put of a transaction that records an event for Kafka. A pending entry never expires: it is
 * sent, or set aside with its reason; only a sent entry gets an expiry.
 */
export function outboxPut(entry: OutboxEntry): { Put: { TableName: string; Item: Record<string, unknown> } } {
  return {
    Put: {
      TableName: tableName('outbox'),
      Item: {
        ...entryKey(entry.eventId),
        ...entry,
        gsi1pk: `PENDING#${shardOf(entry.eventId)}`,
        gsi1sk: `${entry.createdAt}#${entry.eventId}`,
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
