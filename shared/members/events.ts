/**
 * Member events on the member topic, keyed by member so one member's events stay in order. They
 * carry the member id and what analytics buckets by (birth year, age band, gender, region): never
 * a name, an email address, a password or a token.
 */
import { type MemberEventDataByType, requireValidEvent } from '../events';
import { type DomainEvent, domainEvent } from '../events/envelope';
import { publishEvents } from '../kafka/events';
import { logger } from '../logger';

export const memberEventSource = 'members';

export type MemberEventType = keyof MemberEventDataByType;

/** The event of a member event type; its data is completed with the member id. */
export function memberEvent<Type extends MemberEventType>(
  type: Type,
  memberId: string,
  data: Omit<MemberEventDataByType[Type], 'memberId'>,
  now: Date,
): DomainEvent {
  return domainEvent({ type, source: memberEventSource, key: memberId, data: { memberId, ...data } }, now);
}

/**
 * Publishes a member event. The change it reports is already stored: if Kafka refuses, the event
 * is logged with its id and the request succeeds (a withdrawal, which history and checkout must
 * act on, goes through the outbox instead: accounts.ts). An event the topic refuses is a bug,
 * never a Kafka outage: it throws.
 */
export async function publishMemberEvent<Type extends MemberEventType>(
  type: Type,
  memberId: string,
  data: Omit<MemberEventDataByType[Type], 'memberId'>,
  options: { now: Date },
): Promise<void> {
  const event = requireValidEvent('memberEvents', memberEvent(type, memberId, data, options.now));
  try {
    await publishEvents('memberEvents', [event]);
  } catch (error) {
    logger.error('member event not published', { eventId: event.id, type, memberId, error: error as Error });
  }
}
