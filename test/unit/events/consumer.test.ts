/**
 * domainEventConsumer when the on-failure topic cannot be written (no broker listens): an
 * unreadable record is then reported as failed, so it is delivered again rather than lost, and the
 * records after it on its partition wait for that redelivery.
 */
import type { MSKEvent } from '@aws-lambda-powertools/kafka/types';
import type { Context } from 'aws-lambda';
import type { DomainEvent } from '../../../shared/events/envelope';
import { closeKafka } from '../../../shared/kafka/client';
import { domainEventConsumer } from '../../../shared/kafka/consumer';
import { memberEvent } from '../../../shared/members/events';

const unreachable = () => {
  throw new Error('not used');
};
const context: Context = {
  awsRequestId: 'request-1',
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'peakcart-test-consumer',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:peakcart-test-consumer',
  logGroupName: 'group',
  logStreamName: 'stream',
  memoryLimitInMB: '256',
  getRemainingTimeInMillis: () => 10_000,
  done: unreachable,
  fail: unreachable,
  succeed: unreachable,
};

const topic = 'peakcart.member-events';
const base64 = (text: string) => Buffer.from(text).toString('base64');

function lambdaEvent(partition: number, values: string[]): MSKEvent {
  return {
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:local:000000000000:cluster/local',
    bootstrapServers: '127.0.0.1:9',
    records: {
      [`${topic}-${partition}`]: values.map((value, offset) => ({
        topic,
        partition,
        offset,
        timestamp: 0,
        timestampType: 'CREATE_TIME',
        key: base64('k'),
        value: base64(value),
        headers: [],
        keySchemaMetadata: { dataFormat: 'JSON' },
        valueSchemaMetadata: { dataFormat: 'JSON' },
      })),
    },
  };
}

let brokers: string | undefined;

beforeAll(() => {
  brokers = process.env.KAFKA_BROKERS;
  process.env.KAFKA_BROKERS = '127.0.0.1:9';
  // kafkajs logs every refused connection; here they are the point of the test.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterAll(async () => {
  await closeKafka();
  jest.restoreAllMocks();
  if (brokers === undefined) delete process.env.KAFKA_BROKERS;
  else process.env.KAFKA_BROKERS = brokers;
});

describe('domainEventConsumer without an on-failure topic to write to', () => {
  it('reports the unreadable record as failed and handles nothing after it', async () => {
    const handled: DomainEvent[] = [];
    const consumer = domainEventConsumer(async (event) => {
      handled.push(event);
    });
    const first = memberEvent('MemberLoggedIn', 'm1', {}, new Date());
    const after = memberEvent('MemberLoggedIn', 'm1', {}, new Date());

    const response = await consumer(
      lambdaEvent(2, [JSON.stringify(first), 'not json', JSON.stringify(after)]),
      context,
    );

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: { 'topic-partition': `${topic}-2`, offset: 1 } }],
    });
    expect(handled).toEqual([first]);
  });
});
