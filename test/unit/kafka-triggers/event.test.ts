import type { KafkaMessage } from 'kafkajs';
import { lambdaEvent, lambdaRecord, type TriggerDefinition } from '../../../stack/kafka-triggers';

/** A message as kafkajs decodes it from a record batch (Kafka 0.11+). */
const message = (overrides: Partial<Pick<KafkaMessage, 'key' | 'value' | 'headers'>>): KafkaMessage => ({
  key: null,
  value: null,
  timestamp: '1700000000000',
  attributes: 0,
  offset: '41',
  headers: {},
  ...overrides,
});

const definition = {
  eventSource: 'SelfManagedKafka',
  bootstrapServers: ['127.0.0.1:1', '127.0.0.1:2'],
  topic: 'orders',
} as TriggerDefinition;

describe('lambdaRecord', () => {
  it('encodes key and value in base64 and every header value as a byte array', () => {
    const record = lambdaRecord(
      'orders',
      3,
      message({
        key: Buffer.from([0xff, 0x00]),
        value: Buffer.from([0xc3, 0x28]),
        headers: { trace: 'ab', repeated: [Buffer.from([1]), Buffer.from([2])] },
      }),
    );
    expect(record).toEqual({
      topic: 'orders',
      partition: 3,
      offset: 41,
      timestamp: 1700000000000,
      timestampType: 'CREATE_TIME',
      key: '/wA=',
      value: 'wyg=',
      headers: [{ trace: [97, 98] }, { repeated: [1] }, { repeated: [2] }],
    });
  });

  it('leaves the key out of a record without key and keeps a tombstone value null', () => {
    const record = lambdaRecord('orders', 0, message({}));
    expect(record).not.toHaveProperty('key');
    expect(record.value).toBeNull();
  });
});

describe('lambdaEvent', () => {
  it('groups the records under <topic>-<partition> and lists the brokers comma-separated', () => {
    const record = lambdaRecord('orders', 2, message({}));
    expect(lambdaEvent(definition, 2, [record])).toEqual({
      eventSource: 'SelfManagedKafka',
      bootstrapServers: '127.0.0.1:1,127.0.0.1:2',
      records: { 'orders-2': [record] },
    });
  });

  it('names the cluster of an msk event', () => {
    const msk = {
      ...definition,
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:eu-west-1:1:cluster/c/u',
    };
    expect(lambdaEvent(msk as TriggerDefinition, 0, [])).toMatchObject({
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:eu-west-1:1:cluster/c/u',
    });
  });
});
