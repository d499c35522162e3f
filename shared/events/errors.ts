/** Errors of shared/events. */
import type { EventTopicKey } from './topics';

/** A producer built an event that its topic's schemas refuse: a programming error, never sent. */
export class InvalidEventError extends Error {
  constructor(
    readonly topicKey: EventTopicKey,
    readonly topicName: string,
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`Refusing to send event ${eventId} to ${topicKey} (${topicName}): ${reason}`);
    this.name = 'InvalidEventError';
  }
}
