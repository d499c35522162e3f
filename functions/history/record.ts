/**
 * Kafka consumer: files every member, search and order event that concerns a member into that
 * member's history, once per event. A withdrawal first anonymises what the member's history
 * holds; their events that arrive afterwards are filed anonymously.
 */
import { optionalEnv } from '../../shared/config/env';
import {
  type HistoryKind,
  historyEntryFor,
  memberIdOf,
  retentionDaysFrom,
} from '../../shared/domain/history';
import { memberEventTypes } from '../../shared/domain/member';
import { anonymiseMember, fileEntry } from '../../shared/dynamo/history-store';
import { topics } from '../../shared/infra';
import { domainEventConsumer } from '../../shared/kafka/consumer';

const kindByTopic = new Map<string | undefined, HistoryKind>([
  [topics.memberEvents, 'member'],
  [topics.searchEvents, 'search'],
  [topics.orderEvents, 'order'],
]);

export const handler = domainEventConsumer(async (event, position) => {
  const kind = kindByTopic.get(position.topic);
  if (!kind) throw new Error(`history keeps no events of topic ${position.topic}`);
  const memberId = memberIdOf(event);
  const entry = historyEntryFor(event, kind, retentionDaysFrom(optionalEnv('HISTORY_RETENTION_DAYS')));
  if (memberId === undefined || entry === undefined) return;
  if (kind === 'member' && event.type === memberEventTypes.withdrawn) {
    await anonymiseMember(memberId, entry.occurredAt);
  }
  await fileEntry(entry, memberId);
});
