/** The cluster profile's nodes and what the functions are told about them. */
import { topicDefinitions } from '../../../shared/infra';
import { topicReplication } from '../../../stack/bootstrap';
import { functionEnvironment, kafkaNodes, loadProfile, redisPorts } from '../../../stack/profiles';

describe('profiles', () => {
  it('run Redis and Kafka as three nodes on the cluster profile, one elsewhere', () => {
    const cluster = loadProfile('cluster');
    expect(redisPorts(cluster)).toEqual([36379, 36380, 36381]);
    expect(kafkaNodes(cluster)).toEqual([
      { id: 1, port: 39092, controllerPort: 39093 },
      { id: 2, port: 39192, controllerPort: 39193 },
      { id: 3, port: 39292, controllerPort: 39293 },
    ]);
    expect(functionEnvironment(cluster)).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:36379,redis://127.0.0.1:36380,redis://127.0.0.1:36381',
      REDIS_CLUSTER: 'true',
      KAFKA_BROKERS: '127.0.0.1:39092,127.0.0.1:39192,127.0.0.1:39292',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:38000',
    });
    const dev = loadProfile('dev');
    expect(redisPorts(dev)).toEqual([dev.redisPort]);
    expect(functionEnvironment(dev)).toMatchObject({
      REDIS_CLUSTER: 'false',
      KAFKA_BROKERS: `127.0.0.1:${dev.kafkaPort}`,
    });
  });

  it("give topics the definition's replication, one replica per broker at most", () => {
    for (const topic of topicDefinitions) {
      expect(topic).toMatchObject({ replicationFactor: 3, minInSyncReplicas: 2 });
      expect(topicReplication(topic, 3)).toEqual({ replicationFactor: 3, minInSyncReplicas: 2 });
      expect(topicReplication(topic, 1)).toEqual({ replicationFactor: 1, minInSyncReplicas: 1 });
    }
  });
});
