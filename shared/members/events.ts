/**
 * Member events on the member topic, keyed by member so one member's events stay in order. They
 * carry the member id and what analytics buckets by (birth year, age band, gender, region): never
 * a name, an email address, a password or a token.
 */
import { domainEvent, publishEvents } from '../kafka/events';
import { logger } from '../logger';

export const memberEventSource = 'members';

/**
 * Publishes a member event. The change it reports is already stored: if Kafka refuses, `required`
 * events (a withdrawal, which history must act on) fail the request so the member's retry sends
 * it again; the others are logged with their id and the request succeeds.
 */
export async function publishMemberEvent(
  type: string,
  memberId: string,
  data: Record<string, unknown>,
  options: { now: Date; required?: boolean },
): Promise<void> {
  const event = domainEvent(
    { type, source: memberEventSource, key: memberId, data: { memberId, ...data } },
    options.now,
  );
  try {
    await publishEvents('memberEvents', [event]);
  } catch (error) {
    logger.error('member event not published', { eventId: event.id, type, memberId, error: error as Error });
    if (options.required) throw error;
  }
}
