/**
 * The relay of search events from their Redis stream (shared/redis/search-event-stream.ts) to the
 * search topic, by the relay of shared/relay/event-stream-relay.ts.
 */

import { searchEventStream } from '../redis/search-event-stream';
import {
  type RelayOptions,
  type RelayResult,
  relayEventStream,
  type StreamSource,
} from '../relay/event-stream-relay';

export type { RelayOptions, RelayResult } from '../relay/event-stream-relay';

const searchEvents: StreamSource = {
  name: 'search events',
  stream: searchEventStream,
  topicKey: 'searchEvents',
};

export const relaySearchEvents = (options: RelayOptions): Promise<RelayResult> =>
  relayEventStream(searchEvents, options);
