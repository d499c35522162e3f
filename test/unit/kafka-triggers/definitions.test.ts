import {
  buildTriggerDefinitions,
  InvalidTriggerError,
  type ServiceConfig,
} from '../../../stack/kafka-triggers';

function service(kafka: Record<string, unknown>): ServiceConfig {
  return {
    service: 'peakcart',
    provider: {
      stage: 'dev',
      region: 'eu-west-1',
      timeout: 10,
      environment: { REDIS_URL: 'redis://127.0.0.1:1' },
    },
    functions: {
      'history-record': {
        handler: 'functions/history/record.handler',
        memorySize: 512,
        events: [{ kafka }, { http: { method: 'get', path: '/x' } }],
      },
    },
  };
}

const minimal = { topic: 'orders', bootstrapServers: ['127.0.0.1:19092'], accessConfigurations: {} };

describe('buildTriggerDefinitions', () => {
  it("applies Lambda's defaults and the function's settings", () => {
    const [definition] = buildTriggerDefinitions(service(minimal));
    expect(definition).toEqual({
      functionKey: 'history-record',
      functionName: 'peakcart-dev-history-record',
      handler: 'functions/history/record.handler',
      timeoutSeconds: 10,
      memorySize: 512,
      environment: {
        REDIS_URL: 'redis://127.0.0.1:1',
        AWS_REGION: 'eu-west-1',
        AWS_LAMBDA_FUNCTION_NAME: 'peakcart-dev-history-record',
      },
      eventSource: 'SelfManagedKafka',
      bootstrapServers: ['127.0.0.1:19092'],
      topic: 'orders',
      consumerGroupId: 'peakcart-dev-history-record-orders',
      batchSize: 100,
      maximumBatchingWindowSeconds: 0.5,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: -1,
      reportBatchItemFailures: false,
    });
  });

  it('uses the stage it is given', () => {
    const [definition] = buildTriggerDefinitions(service(minimal), 'test');
    expect(definition?.functionName).toBe('peakcart-test-history-record');
  });

  it('takes the error-handling settings of the event', () => {
    const [definition] = buildTriggerDefinitions(
      service({
        ...minimal,
        consumerGroupId: 'history',
        batchSize: 1000,
        maximumBatchingWindow: 2,
        maximumRetryAttempts: 3,
        functionResponseTypes: ['ReportBatchItemFailures'],
        onFailureTopic: 'failures',
      }),
    );
    expect(definition).toMatchObject({
      consumerGroupId: 'history',
      batchSize: 1000,
      maximumBatchingWindowSeconds: 2,
      maximumRetryAttempts: 3,
      reportBatchItemFailures: true,
      onFailureTopic: 'failures',
    });
  });

  it('skips a disabled event', () => {
    expect(buildTriggerDefinitions(service({ ...minimal, enabled: false }))).toEqual([]);
  });

  it('rejects an event without topic, naming the function', () => {
    const { topic: _topic, ...withoutTopic } = minimal;
    expect(() => buildTriggerDefinitions(service(withoutTopic))).toThrow(InvalidTriggerError);
    expect(() => buildTriggerDefinitions(service(withoutTopic))).toThrow(
      'Function "history-record": kafka event has no topic',
    );
  });

  it('rejects a batch size Lambda would refuse', () => {
    expect(() => buildTriggerDefinitions(service({ ...minimal, batchSize: 20_000 }))).toThrow(/batchSize/);
  });

  it('caps infinite retries at 10 when failures go to an on-failure topic, as AWS does', () => {
    const [definition] = buildTriggerDefinitions(service({ ...minimal, onFailureTopic: 'failures' }));
    expect(definition?.maximumRetryAttempts).toBe(10);
  });

  it('rejects an on-failure topic that is the source topic', () => {
    expect(() => buildTriggerDefinitions(service({ ...minimal, onFailureTopic: 'orders' }))).toThrow(
      'Function "history-record": kafka event on topic "orders" names it as its own onFailureTopic',
    );
  });

  it('gives every event of a function a consumer group of its own and rejects a shared one', () => {
    const twoTopics: ServiceConfig = {
      ...service(minimal),
      functions: {
        'history-record': {
          handler: 'functions/history/record.handler',
          events: [{ kafka: minimal }, { kafka: { ...minimal, topic: 'payments' } }],
        },
      },
    };
    expect(buildTriggerDefinitions(twoTopics).map((definition) => definition.consumerGroupId)).toEqual([
      'peakcart-dev-history-record-orders',
      'peakcart-dev-history-record-payments',
    ]);
    const shared = structuredClone(twoTopics);
    for (const event of shared.functions?.['history-record']?.events ?? []) {
      (event.kafka as Record<string, unknown>).consumerGroupId = 'history';
    }
    expect(() => buildTriggerDefinitions(shared)).toThrow(
      /consumerGroupId "history", which the event of "history-record"/,
    );
  });

  it('runs an msk event on the brokers of KAFKA_BROKERS and names its cluster', () => {
    const msk: ServiceConfig = {
      ...service(minimal),
      provider: { stage: 'dev', environment: { KAFKA_BROKERS: '127.0.0.1:9' } },
      functions: {
        consumer: {
          handler: 'functions/x/y.handler',
          events: [{ msk: { arn: 'arn:aws:kafka:us-east-1:1:cluster/c/u', topic: 'orders' } }],
        },
      },
    };
    expect(buildTriggerDefinitions(msk)[0]).toMatchObject({
      eventSource: 'aws:kafka',
      eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/u',
      bootstrapServers: ['127.0.0.1:9'],
    });
  });

  it('rejects AT_TIMESTAMP without a timestamp', () => {
    expect(() => buildTriggerDefinitions(service({ ...minimal, startingPosition: 'AT_TIMESTAMP' }))).toThrow(
      /startingPositionTimestamp/,
    );
  });
});
