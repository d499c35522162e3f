/**
 * The relay of the ad event stream (shared/redis/ad-billing.ts) to the ad topic, by the relay of
 * shared/relay/event-stream-relay.ts. The relay function reloads serving's copy first
 * (./serving-copy.ts).
 */
import { adEventStream } from '../redis/ad-billing';
import {
  type RelayOptions,
  type RelayResult,
  relayEventStream,
  type StreamSource,
} from '../relay/event-stream-relay';

export { reloadServingCopy } from './serving-copy';

const adEvents: StreamSource = { name: 'ad events', stream: adEventStream, topicKey: 'adEvents' };

export const relayAdEvents = (options: RelayOptions): Promise<RelayResult> =>
  relayEventStream(adEvents, options);
