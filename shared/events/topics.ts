/** The event catalogue of every topic that carries domain events, and their physical names. */
import { topics } from '../infra';
import { adEvents } from './ads';
import { catalogEvents } from './catalog';
import type { TopicEventsDefinition } from './definition';
import { memberEvents } from './member';
import { orderEvents } from './order';
import { searchEvents } from './search';

/** Keys (in shared/infra) of the topics that carry domain events. */
export const eventTopicKeys = [
  'memberEvents',
  'catalogEvents',
  'searchEvents',
  'orderEvents',
  'adEvents',
] as const;
export type EventTopicKey = (typeof eventTopicKeys)[number];

export const eventTopics: Readonly<Record<EventTopicKey, TopicEventsDefinition>> = {
  memberEvents,
  catalogEvents,
  searchEvents,
  orderEvents,
  adEvents,
};

/** The key of a physical topic name (`peakcart.order-events` → `orderEvents`), if it carries events. */
export function topicKeyOf(topicName: string): EventTopicKey | undefined {
  return eventTopicKeys.find((key) => topics[key] === topicName);
}
