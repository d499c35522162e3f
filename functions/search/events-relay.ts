/**
 * Scheduled, every minute, one at a time: sends the search events that searches stored in their
 * Redis stream to the search topic, for as long as the invocation may run less a margin, so that
 * the last batch is sent and acknowledged before the timeout (and the next run starts soon after).
 */
import type { Context } from 'aws-lambda';
import { type RelayResult, relaySearchEvents } from '../../shared/search/search-event-relay';

/** Kept back from the timeout for the batch in progress: a Kafka send, then an acknowledgement. */
const marginMs = 10_000;

export const handler = async (_event: unknown, context: Context): Promise<RelayResult> =>
  relaySearchEvents({ timeLeftMs: () => context.getRemainingTimeInMillis() - marginMs });
