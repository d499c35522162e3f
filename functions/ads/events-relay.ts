/**
 * Scheduled, every minute, one at a time: reloads serving's copy of the campaigns from DynamoDB,
 * then sends the ad events that slots and clicks stored in their Redis stream to the ad topic, for
 * as long as the invocation may run less a margin (as the search events relay does).
 */
import type { Context } from 'aws-lambda';
import { relayAdEvents, reloadServingCopy } from '../../shared/ads/ad-event-relay';
import type { RelayResult } from '../../shared/relay/event-stream-relay';

/** Kept back from the timeout for the batch in progress: a Kafka send, then an acknowledgement. */
const marginMs = 10_000;

export const handler = async (
  _event: unknown,
  context: Context,
): Promise<RelayResult & { campaigns: number }> => {
  const campaigns = await reloadServingCopy();
  const relayed = await relayAdEvents({ timeLeftMs: () => context.getRemainingTimeInMillis() - marginMs });
  return { ...relayed, campaigns };
};
