/**
 * How long an event may be sent again, and so how long a consumer that counts events must
 * remember the ids it counted. One place, so the outbox and its consumers cannot drift apart.
 */

/**
 * An outbox entry is sent (and, if its send was not recorded, sent again) for at most this long
 * after it was written; after that the relay sets it aside instead of sending it.
 */
export const outboxSendWindowMs = 60 * 60_000;

/**
 * Allowance for the time between an event being produced and a consumer counting it (consumer
 * lag), on top of the send window.
 */
const consumerLagAllowanceMs = 15 * 60_000;

/**
 * How long a counting consumer remembers an event id: any copy the outbox can still produce
 * arrives within it.
 */
export const duplicateEventWindowMs = outboxSendWindowMs + consumerLagAllowanceMs;

/** What a relay does with an entry whose send failed. */
export type SendFailure =
  /** The entry can never be sent (its event fails its topic's schema, Kafka refuses the record). */
  | { kind: 'permanent'; reason: string }
  /** Kafka did not take it this time. */
  | { kind: 'transient'; reason: string };

/**
 * Whether an entry written at `createdAt` whose send just failed is set aside: always for a
 * permanent failure; for a transient one once the send window has passed.
 */
export function setAsideReason(failure: SendFailure, createdAt: string, now: Date): string | undefined {
  if (failure.kind === 'permanent') return failure.reason;
  const age = now.getTime() - Date.parse(createdAt);
  if (age < outboxSendWindowMs) return undefined;
  return `not sent within ${outboxSendWindowMs / 60_000} minutes of being written; last error: ${failure.reason}`;
}
