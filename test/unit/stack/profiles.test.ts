/** The cluster profile's nodes and what the functions are told about them. */
import { topicDefinitions } from '../../../shared/infra';
import { topicReplication } from '../../../stack/bootstrap';
import { functionEnvironment, kafkaNodes, loadProfile, redisPorts } from '../../../stack/profiles';

describe('profiles', () => {
  it('run Redis and Kafka as three nodes on the cluster profile, one elsewhere', () => {
    const cluster = loadProfile('cluster');
    expect(redisPorts(cluster)).toEqual([21379, 21380, 21381]);
    expect(kafkaNodes(cluster)).toEqual([
      { id: 1, port: 21092, controllerPort: 21093 },
      { id: 2, port: 21192, controllerPort: 21193 },
      { id: 3, port: 21292, controllerPort: 21293 },
    ]);
    expect(functionEnvironment(cluster)).toMatchObject({
      REDIS_URL: 'redis://127.0.0.1:21379,redis://127.0.0.1:21380,redis://127.0.0.1:21381',
      REDIS_CLUSTER: 'true',
      KAFKA_BROKERS: '127.0.0.1:21092,127.0.0.1:21192,127.0.0.1:21292',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:21800',
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
