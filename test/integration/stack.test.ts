/** The local stack the test run brought up, and how `up` refuses a port another process holds. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { physicalTableName, tableDefinitions, tablePrefixFor, topicDefinitions } from '../../shared/infra';
import { localDynamoClient } from '../../stack/components/dynamodb';
import { loadProfile, repoRoot } from '../../stack/profiles';
import { down, status, up } from '../../stack/stack';
import { testKafka } from '../support/kafka';

const profile = loadProfile('test');

/** A state folder of its own, so a test can play with PID files without touching the running stack. */
function withScratchStateDir<T>(run: (stateDir: string) => Promise<T>): Promise<T> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'peakcart-stack-'));
  return run(stateDir).finally(() => rmSync(stateDir, { recursive: true, force: true }));
}

describe('the test stack', () => {
  it('runs Redis, Kafka and DynamoDB Local, each healthy on its loopback port', async () => {
    const states = await status(profile);
    expect(states.map((state) => [state.name, state.running, state.healthy])).toEqual([
      ['redis', true, true],
      ['kafka', true, true],
      ['dynamodb', true, true],
    ]);
    expect(states.map((state) => state.endpoint)).toEqual([
      `127.0.0.1:${profile.redisPort}`,
      `127.0.0.1:${profile.kafkaPort}`,
      `127.0.0.1:${profile.dynamodbPort}`,
    ]);
  });

  it('has every table with the keys, index, billing and TTL of its definition', async () => {
    const dynamo = localDynamoClient(profile);
    try {
      for (const definition of tableDefinitions) {
        const TableName = physicalTableName(tablePrefixFor(profile.stage), definition.name);
        const { Table } = await dynamo.send(new DescribeTableCommand({ TableName }));
        expect(Table?.KeySchema?.map((key) => key.AttributeName)).toEqual(['pk', 'sk']);
        expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
        expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)).toEqual(
          definition.indexes,
        );
        const { TimeToLiveDescription } = await dynamo.send(new DescribeTimeToLiveCommand({ TableName }));
        if (definition.ttlAttribute === null) {
          expect(TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
        } else {
          expect(TimeToLiveDescription).toEqual({
            AttributeName: definition.ttlAttribute,
            TimeToLiveStatus: 'ENABLED',
          });
        }
      }
    } finally {
      dynamo.destroy();
    }
  });

  it('has every table and topic of the one definition', async () => {
    const dynamo = localDynamoClient(profile);
    const admin = testKafka.admin();
    await admin.connect();
    try {
      const { TableNames } = await dynamo.send(new ListTablesCommand({}));
      const expectedTables = tableDefinitions.map((table) =>
        physicalTableName(tablePrefixFor(profile.stage), table.name),
      );
      expect(TableNames).toEqual(expect.arrayContaining(expectedTables));
      const metadata = await admin.fetchTopicMetadata({
        topics: topicDefinitions.map((topic) => topic.name),
      });
      for (const topic of topicDefinitions) {
        expect(metadata.topics.find((candidate) => candidate.name === topic.name)?.partitions).toHaveLength(
          topic.partitions,
        );
      }
    } finally {
      dynamo.destroy();
      await admin.disconnect();
    }
  });
});

describe('up, down and status', () => {
  it('leaves a running stack as it is when asked to come up again', async () => {
    const lines: string[] = [];
    const result = await up(profile, (line) => lines.push(line));
    expect(result.started).toEqual([]);
    expect(lines.filter((line) => line.includes('already running'))).toHaveLength(3);
    expect((await status(profile)).every((state) => state.running && state.healthy)).toBe(true);
  });

  it('is harmless when nothing runs', () =>
    withScratchStateDir(async (stateDir) => {
      const lines: string[] = [];
      await down({ ...profile, stateDir }, (line) => lines.push(line));
      expect(lines.sort()).toEqual(['dynamodb: not running', 'kafka: not running', 'redis: not running']);
    }));

  it('never signals a process that took over the PID of a stopped server', () =>
    withScratchStateDir(async (stateDir) => {
      const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
      const pid = stranger.pid as number;
      try {
        writeFileSync(path.join(stateDir, 'redis.pid'), `${pid}\n`);
        const scratch = { ...profile, stateDir };
        expect((await status(scratch)).find((state) => state.name === 'redis')?.pid).toBeUndefined();
        await down(scratch, () => undefined);
        expect(() => process.kill(pid, 0)).not.toThrow();
        expect(existsSync(path.join(stateDir, 'redis.pid'))).toBe(false);
      } finally {
        process.kill(-pid, 'SIGKILL');
      }
    }));
});

describe('npm run stack -- up', () => {
  it('refuses at once, naming the port and its variable, when another process holds a port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    const stateDir = mkdtempSync(path.join(tmpdir(), 'peakcart-stack-'));
    try {
      const started = Date.now();
      const result = spawnSync(
        path.join(repoRoot, 'node_modules', '.bin', 'tsx'),
        ['stack/cli.ts', 'up', '--profile', 'dev'],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          timeout: 30_000,
          env: { ...process.env, PEAKCART_DEV_STATE_DIR: stateDir, PEAKCART_DEV_REDIS_PORT: String(port) },
        },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('PEAKCART_DEV_REDIS_PORT');
      expect(Date.now() - started).toBeLessThan(20_000);
      // Nothing was started for the refused stack.
      expect(
        existsSync(stateDir) ? readdirSync(stateDir).filter((file) => file.endsWith('.pid')) : [],
      ).toEqual([]);
    } finally {
      holder.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
