/**
 * docker-compose.yml cannot run here (no Docker engine); what can be checked is that it matches
 * the no-Docker stack: the same host ports, and init hooks that create the same tables and topics
 * from the same definition.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { physicalTableName, tableDefinitions, tablePrefixFor, topicDefinitions } from '../../shared/infra';
import { loadProfile } from '../../stack/profiles';

const root = path.join(__dirname, '../..');
const resources = path.join(root, 'shared/infra/resources.json');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { ports?: string[]; environment?: Record<string, string> }>;
};
const dev = loadProfile('dev');

/** The host port of a compose port mapping, with its default applied. */
function hostPort(service: string): number {
  const mapping = compose.services[service]?.ports?.[0] ?? '';
  return Number(/:-(\d+)\}:/.exec(mapping)?.[1]);
}

describe('docker-compose.yml', () => {
  it('exposes Redis, Kafka and DynamoDB on the dev profile ports, on loopback', () => {
    expect(hostPort('redis')).toBe(dev.redisPort);
    expect(hostPort('kafka')).toBe(dev.kafkaPort);
    expect(hostPort('localstack')).toBe(dev.dynamodbPort);
    for (const service of ['redis', 'kafka', 'localstack']) {
      expect(compose.services[service]?.ports?.[0]).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it("passes the user's LocalStack auth token and refuses to start without it", () => {
    expect(compose.services.localstack?.environment?.LOCALSTACK_AUTH_TOKEN).toMatch(
      /^\$\{LOCALSTACK_AUTH_TOKEN:\?/,
    );
  });

  it('creates the same tables as the no-Docker stack (LocalStack ready hook)', () => {
    const hook = path.join(root, 'localstack/init/ready.d/create-tables.py');
    const output = execFileSync('python3', [hook, '--dry-run', resources], {
      encoding: 'utf8',
      env: { ...process.env, STAGE: 'dev' },
    });
    const planned = JSON.parse(output) as Array<{
      request: { TableName: string };
      ttlAttribute: string | null;
    }>;
    expect(planned.map((table) => table.request.TableName)).toEqual(
      tableDefinitions.map((table) => physicalTableName(tablePrefixFor('dev'), table.name)),
    );
    expect(planned.map((table) => table.ttlAttribute)).toEqual(
      tableDefinitions.map((table) => table.ttlAttribute),
    );
  });

  it('creates the same topics as the no-Docker stack (kafka-topics init service)', () => {
    const script = path.join(root, 'localstack/create-topics.sh');
    const output = execFileSync('sh', [script, '--dry-run', resources], { encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual(
      topicDefinitions.map((topic) => `${topic.name} ${topic.partitions}`),
    );
  });
});
