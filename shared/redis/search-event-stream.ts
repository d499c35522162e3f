/**
 * Search events on their way to Kafka (shared/search/search-events.ts), a stream of event-stream.ts:
 *
 *   search-events:{relay}  STREAM  one entry per search, field `event` = the event as JSON
 *
 * The search functions append before they answer; the search events relay sends it to the search
 * topic (shared/search/search-event-relay.ts). Its own hash tag puts it on one primary of a cluster.
 */
import { eventStream } from './event-stream';
import { searchEventStreamKey } from './keys';

export { type StreamEntry, streamCap } from './event-stream';

export const searchEventStream = eventStream(searchEventStreamKey);

export const appendSearchEvent = searchEventStream.append;
export const readNew = searchEventStream.readNew;
