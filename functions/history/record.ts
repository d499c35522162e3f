/**
 * Kafka consumer: files every member, search and order event that concerns a member into that
 * member's history. A redelivered event lands on the same item and is not written twice.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type HistoryKind, historyEntryFor } from '../../shared/domain/history';
import { dynamoClient, tableName } from '../../shared/dynamo/client';
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
  const entry = historyEntryFor(event, kind);
  if (!entry) return;
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: tableName('history'),
        Item: entry,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return;
    throw error;
  }
});
