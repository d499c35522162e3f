/**
 * The product as a user meets it: the API served by the local Lambda runtime and a Kafka-triggered
 * function run by the trigger emulation, against the real test stack.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { healthReport } from '../../functions/platform/routes';
import { historyEntryFor } from '../../shared/domain/history';
import { demographicsOf } from '../../shared/domain/member';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { topics } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { publishEvents } from '../../shared/kafka/events';
import { memberEvent } from '../../shared/members/events';
import { failureHeaders } from '../../stack/kafka-triggers';
import { accessTokenFor } from '../support/auth';
import { eventually, testKafka } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;

const demographics = () => demographicsOf({ birthYear: 1990, gender: 'other', region: 'busan' }, new Date());

/** Publishes a profile-updated event of the member and returns it. */
async function publishProfileUpdate(memberId: string) {
  const event = memberEvent(
    'MemberProfileUpdated',
    memberId,
    { changed: ['region'], ...demographics() },
    new Date(),
  );
  await publishEvents('memberEvents', [event]);
  return event;
}

beforeAll(async () => {
  api = await startOffline();
}, 120_000);

afterAll(async () => {
  await closeKafka();
  closeDynamo();
  await api?.stop();
});

describe('the offline API', () => {
  it('reports to anyone only that it is up, and to an admin Redis, Kafka and DynamoDB with their endpoints and latencies', async () => {
    const anonymous = await fetch(`${api.baseUrl}/health`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('x-request-id')).toBeTruthy();
    expect(await anonymous.json()).toEqual({ status: 'up' });
    const token = await accessTokenFor({ roles: ['admin'] });
    const response = await fetch(`${api.baseUrl}/health`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const report = healthReport.parse(await response.json());
    expect(report.status).toBe('up');
    for (const name of ['redis', 'kafka', 'dynamodb'] as const) {
      const dependency = report.dependencies?.[name];
      expect(dependency).toEqual(
        expect.objectContaining({ status: 'up', endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }),
      );
      expect(dependency?.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('serves the OpenAPI 3.1 document of its routes', async () => {
    const response = await fetch(`${api.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: object }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/openapi.json']));
    expect(document.paths['/health']?.get?.responses).toHaveProperty('503');
  });

  it('answers 404 for a route that does not exist', async () => {
    const response = await fetch(`${api.baseUrl}/no-such-route`);
    expect(response.status).toBe(404);
  });
});

describe('the Kafka-triggered history function', () => {
  it("files a member's event into their history once, even when it is published twice", async () => {
    const memberId = `m-${randomUUID()}`;
    const event = memberEvent(
      'MemberSignedUp',
      memberId,
      { roles: ['member'], ...demographics() },
      new Date(),
    );
    await publishEvents('memberEvents', [event, event]);

    // A marker published after both copies: once it is filed, both copies have been handled.
    const marker = await publishProfileUpdate(memberId);
    const markerEntry = historyEntryFor(marker, 'member');
    await eventually('the marker in history', async () => {
      const { Item } = await dynamoClient().send(
        new GetCommand({
          TableName: tableName('history'),
          Key: { pk: markerEntry?.pk, sk: markerEntry?.sk },
        }),
      );
      return Item;
    });
    const { Items } = await dynamoClient().send(
      new QueryCommand({
        TableName: tableName('history'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `MEMBER#${memberId}` },
      }),
    );
    expect(Items).toHaveLength(2);
    expect(Items).toEqual(expect.arrayContaining([historyEntryFor(event, 'member'), markerEntry]));
  });

  it('sends a record it cannot read to the on-failure topic, and the next event is still filed', async () => {
    const poison = `not json ${randomUUID()}`;
    const failed: Array<{ value: string; headers: Record<string, string> }> = [];
    const watcher = testKafka.consumer({ groupId: `e2e-failures-${randomUUID()}` });
    await watcher.connect();
    await watcher.subscribe({ topic: topics.triggerFailures as string, fromBeginning: true });
    await watcher.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        failed.push({ value: message.value?.toString() ?? '', headers });
      },
    });
    try {
      const memberId = `m-${randomUUID()}`;
      const producer = testKafka.producer();
      await producer.connect();
      await producer.send({
        topic: topics.memberEvents as string,
        messages: [{ key: memberId, value: poison }],
      });
      await producer.disconnect();
      const event = await publishProfileUpdate(memberId);

      const dead = await eventually(
        'the unreadable record on the on-failure topic',
        // Every consumer of the member topic sets it aside; this is history's.
        () =>
          failed.find(
            (record) =>
              record.value === poison &&
              record.headers[failureHeaders.functionName] === 'peakcart-test-history-record',
          ),
        40_000,
      );
      expect(dead.headers[failureHeaders.sourceTopic]).toBe(topics.memberEvents);
      expect(dead.headers[failureHeaders.functionName]).toBe('peakcart-test-history-record');
      const entry = historyEntryFor(event, 'member');
      await eventually('the next event in history', async () => {
        const { Item } = await dynamoClient().send(
          new GetCommand({ TableName: tableName('history'), Key: { pk: entry?.pk, sk: entry?.sk } }),
        );
        return Item;
      });
    } finally {
      await watcher.disconnect();
    }
  }, 90_000);
});
