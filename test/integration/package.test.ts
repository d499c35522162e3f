/**
 * `serverless package` turns serverless.yml into the CloudFormation template AWS deploys, with no
 * AWS account; a Kafka event it cannot deploy fails fast with a message that names the problem.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { physicalTableName, tableDefinitions, tablePrefixFor } from '../../shared/infra';
import { repoRoot } from '../../stack/profiles';
import { runServerless } from '../support/serverless';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

interface FunctionConfig {
  events?: Array<Record<string, unknown>>;
}

const serverlessYml = parse(readFileSync(path.join(repoRoot, 'serverless.yml'), 'utf8'), { merge: true }) as {
  functions: Record<string, FunctionConfig>;
};

/** A copy of the service in a temporary folder, so a test can change serverless.yml safely. */
function serviceCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'peakcart-sls-'));
  for (const entry of ['serverless.yml', 'functions', 'shared', 'stack', 'package.json', 'tsconfig.json']) {
    cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

describe('serverless package', () => {
  let dir: string;
  let resources: Record<string, CfnResource>;

  beforeAll(async () => {
    dir = serviceCopy();
    const result = await runServerless(
      ['package', '--stage', 'dev', '--package', path.join(dir, 'out')],
      dir,
    );
    expect(result.output).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const template = JSON.parse(
      readFileSync(path.join(dir, 'out', 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    resources = template.Resources;
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ofType = (type: string) => Object.values(resources).filter((resource) => resource.Type === type);

  it('has a Lambda function for every function of serverless.yml', () => {
    const names = ofType('AWS::Lambda::Function').map((fn) => fn.Properties.FunctionName);
    expect(names.sort()).toEqual(
      Object.keys(serverlessYml.functions)
        .map((key) => `peakcart-dev-${key}`)
        .sort(),
    );
  });

  it('has an event-source mapping for each Kafka event, with its error handling', () => {
    const kafkaEvents = Object.values(serverlessYml.functions).flatMap((fn) =>
      (fn.events ?? []).filter((event) => event.kafka),
    );
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(kafkaEvents.length).toBeGreaterThan(0);
    expect(mappings).toHaveLength(kafkaEvents.length);
    for (const mapping of mappings) {
      expect(mapping.Properties).toEqual(
        expect.objectContaining({
          SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: ['127.0.0.1:19092'] } },
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          MaximumRetryAttempts: 3,
          DestinationConfig: { OnFailure: { Destination: 'kafka://peakcart.trigger-failures' } },
        }),
      );
    }
  });

  it('declares every table of the one definition', () => {
    const tables = ofType('AWS::DynamoDB::Table').map((table) => table.Properties.TableName);
    expect(tables.sort()).toEqual(
      tableDefinitions.map((table) => physicalTableName(tablePrefixFor('dev'), table.name)).sort(),
    );
  });
});

describe('a malformed Kafka event', () => {
  it('fails with a message naming the missing topic, without hanging', async () => {
    const dir = serviceCopy();
    try {
      const file = path.join(dir, 'serverless.yml');
      // The member-events topic line of serverless.yml, a Serverless variable, is dropped.
      const broken = readFileSync(file, 'utf8').replace(/^ +topic: .*memberEvents.*$/m, '');
      writeFileSync(file, broken);
      const started = Date.now();
      const result = await runServerless(['package', '--stage', 'dev'], dir, 60_000);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/history-record.*kafka.*(topic)/is);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
