/**
 * The schemas of every domain event, in one place: per topic, each event type's `data` per schema
 * version. Producers refuse an event their topic does not accept; consumers set such a record aside.
 */
export { type AdClickedData, type AdImpressedData, adEvents, adEventTypes } from './ads';
export { type CatalogEventData, catalogEventDataSchema, catalogEvents } from './catalog';
export { checkEvent, type EventCheck, requireValidEvent } from './check';
export type { EventDataSchema, EventTypeDefinition, TopicEventsDefinition } from './definition';
export { InvalidEventError } from './errors';
export {
  type MemberEventData,
  type MemberEventDataByType,
  memberEventDataSchema,
  memberEvents,
} from './member';
export { type OrderEventData, orderEventDataSchema, orderEvents, orderEventTypes } from './order';
export { type SearchEventData, searchEventDataSchema, searchEvents, searchEventType } from './search';
export { type EventTopicKey, eventTopicKeys, eventTopics, topicKeyOf } from './topics';
