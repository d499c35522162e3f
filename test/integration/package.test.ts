/**
 * `serverless package` turns serverless.yml into the CloudFormation template AWS deploys, with no
 * AWS account; a Kafka event it cannot deploy fails fast with a message that names the problem.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMap, parse, parseDocument } from 'yaml';
import { zipEntries } from '../../bench/support/zip-entries';
import { allRoutes } from '../../functions/routes';
import { physicalTableName, tableDefinitions, tablePrefixFor } from '../../shared/infra';
import { repoRoot } from '../../stack/profiles';
import { runServerless } from '../support/serverless';

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Whether the functions' role may call `action` on `resource`. */
function roleAllows(resources: Record<string, CfnResource>, action: string, resource: string): boolean {
  const role = resources.IamRoleLambdaExecution?.Properties as {
    Policies: Array<{ PolicyDocument: { Statement: PolicyStatement[] } }>;
  };
  return role.Policies.flatMap((policy) => policy.PolicyDocument.Statement).some(
    (statement) =>
      statement.Effect === 'Allow' &&
      [statement.Action].flat().includes(action) &&
      [statement.Resource].flat().includes(resource),
  );
}

/** The ARNs (often Fn::Join instructions) of the managed policies attached to the functions' role. */
const managedPolicies = (resources: Record<string, CfnResource>) =>
  JSON.stringify(resources.IamRoleLambdaExecution?.Properties.ManagedPolicyArns ?? []);

interface FunctionConfig {
  handler: string;
  events?: Array<Record<string, unknown>>;
}

const isFunction = (resource: CfnResource) => resource.Type === 'AWS::Lambda::Function';

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

/**
 * Points every function of the copy in `dir` at its zip in `artifacts` (a packaging of the same
 * commit), so packaging another stage builds its template without bundling every function again.
 */
function withPackagedFunctions(dir: string, artifacts: string): void {
  const file = path.join(dir, 'serverless.yml');
  const doc = parseDocument(readFileSync(file, 'utf8'), { merge: true });
  const functions = doc.get('functions');
  if (!isMap(functions)) throw new Error('serverless.yml has no functions');
  for (const { key } of functions.items) {
    const name = String((key as { value: unknown }).value);
    doc.setIn(
      ['functions', name, 'package'],
      doc.createNode({ artifact: path.join(artifacts, `${name}.zip`) }),
    );
  }
  // Nothing is left to bundle: the bundler's plugin goes.
  const plugins = (doc.get('plugins') as { items: { value: unknown }[] }).items.map(({ value }) => value);
  doc.set(
    'plugins',
    plugins.filter((plugin) => plugin !== 'serverless-esbuild'),
  );
  writeFileSync(file, String(doc));
}

// The local stage's packaging, made once for the file (every function bundled): its zips are tested
// below and reused by the deployed stage's packaging.
const localDir = serviceCopy();
let localPackaging: Promise<void> | undefined;
const packagedLocally = () => {
  localPackaging ??= runServerless(
    ['package', '--stage', 'dev', '--package', path.join(localDir, 'out')],
    localDir,
  ).then((result) => {
    expect(result.output).not.toMatch(/error/i);
    expect(result.code).toBe(0);
  });
  return localPackaging;
};
afterAll(() => rmSync(localDir, { recursive: true, force: true }));

describe('serverless package', () => {
  let resources: Record<string, CfnResource>;

  beforeAll(async () => {
    await packagedLocally();
    const template = JSON.parse(
      readFileSync(path.join(localDir, 'out', 'cloudformation-template-update-stack.json'), 'utf8'),
    );
    resources = template.Resources;
  }, 180_000);

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

  it("answers API Gateway's own errors (no such route, throttling, failures) in the one error shape", () => {
    const responses = ofType('AWS::ApiGateway::GatewayResponse').map((resource) => resource.Properties);
    const byType = new Map(responses.map((response) => [response.ResponseType, response]));
    expect(byType.get('MISSING_AUTHENTICATION_TOKEN')?.StatusCode).toBe('404');
    expect([...byType.keys()]).toEqual(expect.arrayContaining(['THROTTLED', 'DEFAULT_4XX', 'DEFAULT_5XX']));
    for (const response of responses) {
      const template = (response.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
      // What API Gateway renders: its variables filled in, the message already a JSON string.
      const rendered = template
        .replaceAll('$context.requestId', 'req-1')
        .replaceAll('$context.error.messageString', '"Forbidden"');
      expect(JSON.parse(rendered)).toEqual({
        error: { code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String), requestId: 'req-1' },
      });
    }
  });

  it('puts no function of a local stage in a VPC', () => {
    expect(ofType('AWS::Lambda::Function').filter((fn) => fn.Properties.VpcConfig)).toEqual([]);
    expect(managedPolicies(resources)).not.toContain('AWSLambdaVPCAccessExecutionRole');
  });

  it('leaves the producers of a local stage on plaintext (no Kafka secret)', () => {
    for (const fn of ofType('AWS::Lambda::Function')) {
      expect(
        (fn.Properties.Environment as { Variables: Record<string, string> }).Variables.KAFKA_SECRET_ARN,
      ).toBe('');
    }
  });

  it('keeps no instances provisioned on a local stage', () => {
    expect(ofType('AWS::Lambda::Alias')).toEqual([]);
  });

  describe("each function's package", () => {
    const names = Object.keys(serverlessYml.functions);
    /** The packages a function's bundle took code from, by esbuild's metafile of the bundle. */
    const bundledPackages = (name: string) => {
      const handler = serverlessYml.functions[name]?.handler ?? '';
      const module = handler.slice(0, handler.lastIndexOf('.'));
      const meta = JSON.parse(
        readFileSync(path.join(localDir, '.esbuild', '.build', `${module}-meta.json`), 'utf8'),
      ) as {
        outputs: Record<string, { inputs: Record<string, unknown> }>;
      };
      const inputs = Object.entries(meta.outputs).flatMap(([file, output]) =>
        file.endsWith('.js') ? Object.keys(output.inputs) : [],
      );
      return new Set(inputs.flatMap((input) => input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? []));
    };
    const bundling = (dependency: string) =>
      names.filter((name) => bundledPackages(name).has(dependency)).sort();

    it('is its handler module alone, minified, at most 300 KB and without a source map', () => {
      const oversized: string[] = [];
      for (const name of names) {
        const zip = path.join(localDir, 'out', `${name}.zip`);
        const handler = serverlessYml.functions[name]?.handler ?? '';
        const entries = zipEntries(zip);
        expect({ name, files: entries.map((entry) => entry.name) }).toEqual({
          name,
          files: [`${handler.slice(0, handler.lastIndexOf('.'))}.js`],
        });
        const kilobytes = statSync(zip).size / 1024;
        if (kilobytes > 300) oversized.push(`${name}: ${kilobytes.toFixed(0)} KB`);
        // Minified: long lines (an unminified bundle averages a few dozen characters); no map inlined.
        const code = entries[0]?.contents.toString('utf8') ?? '';
        expect({ name, minified: code.length / code.split('\n').length > 1000 }).toEqual({
          name,
          minified: true,
        });
        expect(code).not.toContain('sourceMappingURL=data:');
      }
      expect(oversized).toEqual([]);
    });

    it('bundles zod-to-openapi into platform-openapi alone', () => {
      expect(bundling('@asteasolutions/zod-to-openapi')).toEqual(['platform-openapi']);
    });

    it('bundles the token verifier (fast-jwt) only where tokens are checked or issued', () => {
      const authenticated = names.filter((name) =>
        (serverlessYml.functions[name]?.events ?? []).some((event) => {
          const http = event.http as { method: string; path: string } | undefined;
          return allRoutes.some(
            (route) => route.auth && route.method === http?.method && route.path === http?.path,
          );
        }),
      );
      expect(bundling('fast-jwt')).toEqual([...authenticated, 'auth-login', 'auth-refresh'].sort());
    });

    it('leaves the Kafka client out of functions that neither produce nor consume', () => {
      const kafka = bundling('kafkajs');
      for (const name of ['members-get-me', 'checkout-get-order', 'search-popular', 'platform-openapi']) {
        expect(kafka).not.toContain(name);
      }
      expect(kafka).toEqual(
        expect.arrayContaining(['history-record', 'checkout-place-order', 'platform-health']),
      );
    });
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

describe('packaging for AWS (a stage without a local stack)', () => {
  const deployment = {
    PEAKCART_KAFKA_BOOTSTRAP_SERVERS: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096',
    PEAKCART_KAFKA_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:peakcart-kafka',
  };

  // The local stage's zips, packaged above: a stage changes the template, never a bundle.
  it('takes brokers, secret and VPC from the deployment, the Redis URL from SSM, and prod sizing', async () => {
    await packagedLocally();
    const prodDir = serviceCopy();
    withPackagedFunctions(prodDir, path.join(localDir, 'out'));
    const vpc = {
      PEAKCART_VPC_SUBNET_IDS: 'subnet-0a1b2c3d,subnet-0e4f5a6b',
      PEAKCART_VPC_SECURITY_GROUP_IDS: 'sg-0c7d8e9f',
    };
    try {
      const result = await runServerless(
        ['package', '--stage', 'prod', '--package', path.join(prodDir, 'out')],
        prodDir,
        180_000,
        { ...deployment, ...vpc },
      );
      expect(result.code === 0 ? 0 : result.output).toBe(0);
      const templatePath = path.join(prodDir, 'out', 'cloudformation-template-update-stack.json');
      const template = JSON.parse(readFileSync(templatePath, 'utf8')) as {
        Resources: Record<string, CfnResource>;
      };
      const all = Object.values(template.Resources);
      const health = all.find(
        (resource) => resource.Properties.FunctionName === 'peakcart-prod-platform-health',
      );
      expect(health?.Properties.Environment).toEqual({
        Variables: expect.objectContaining({
          STAGE: 'prod',
          TABLE_PREFIX: 'peakcart-prod',
          REDIS_URL: '{{resolve:ssm:/peakcart/prod/redis-url}}',
          KAFKA_BROKERS: deployment.PEAKCART_KAFKA_BOOTSTRAP_SERVERS,
          KAFKA_SECRET_ARN: deployment.PEAKCART_KAFKA_SECRET_ARN,
          // No provider named: the functions that charge refuse to start, naming the setting.
          PAYMENT_PROVIDER: '',
        }),
      });
      // Producers read the secret in every function, not only those with a kafka event.
      expect(
        roleAllows(template.Resources, 'secretsmanager:GetSecretValue', deployment.PEAKCART_KAFKA_SECRET_ARN),
      ).toBe(true);
      // Every function and event-source mapping in the VPC of PEAKCART_VPC_* (a local stage has
      // none: 'puts no function of a local stage in a VPC').
      const subnetIds = vpc.PEAKCART_VPC_SUBNET_IDS.split(',');
      const securityGroupIds = [vpc.PEAKCART_VPC_SECURITY_GROUP_IDS];
      const lambdas = all.filter(isFunction);
      expect(lambdas.length).toBe(Object.keys(serverlessYml.functions).length);
      for (const fn of lambdas) {
        expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: subnetIds, SecurityGroupIds: securityGroupIds });
      }
      // Serverless attaches the ENI permissions a function in a VPC needs.
      expect(managedPolicies(template.Resources)).toContain('AWSLambdaVPCAccessExecutionRole');
      const mappings = all.filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping');
      expect(mappings.length).toBeGreaterThan(0);
      for (const mapping of mappings) {
        expect(mapping.Properties).toEqual(
          expect.objectContaining({
            SelfManagedEventSource: {
              Endpoints: { KafkaBootstrapServers: deployment.PEAKCART_KAFKA_BOOTSTRAP_SERVERS.split(',') },
            },
            ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 20 },
          }),
        );
        expect(mapping.Properties.SourceAccessConfigurations).toEqual(
          expect.arrayContaining([
            { Type: 'SASL_SCRAM_512_AUTH', URI: deployment.PEAKCART_KAFKA_SECRET_ARN },
            ...subnetIds.map((id) => ({ Type: 'VPC_SUBNET', URI: `subnet:${id}` })),
            { Type: 'VPC_SECURITY_GROUP', URI: `security_group:${securityGroupIds[0]}` },
          ]),
        );
        expect(mapping.Properties.SourceAccessConfigurations).toHaveLength(4);
      }
      const functions = new Map(
        all
          .filter((resource) => resource.Type === 'AWS::Lambda::Function')
          .map((resource) => [String(resource.Properties.FunctionName), resource.Properties]),
      );
      const reserved = (name: string) => functions.get(`peakcart-prod-${name}`)?.ReservedConcurrentExecutions;
      // Checkout keeps a floor a search spike cannot take; search has a ceiling.
      expect(reserved('checkout-place-order')).toBe(150);
      expect(reserved('search-by-keyword')).toBe(250);
      const totalReserved = [...functions.values()].reduce(
        (sum, properties) => sum + Number(properties.ReservedConcurrentExecutions ?? 0),
        0,
      );
      // AWS keeps 100 of an account's default 1,000 unreserved; more would fail the deploy.
      expect(totalReserved).toBeLessThanOrEqual(900);
      const provisioned = all
        .filter((resource) => resource.Type === 'AWS::Lambda::Alias')
        .map((alias) => alias.Properties.ProvisionedConcurrencyConfig);
      expect(provisioned).toEqual(
        expect.arrayContaining([
          { ProvisionedConcurrentExecutions: 50 },
          { ProvisionedConcurrentExecutions: 50 },
          { ProvisionedConcurrentExecutions: 20 },
        ]),
      );
      // The functions a promotion start hits: a scalable target each on their provisioned alias,
      // with the quiet hours as two daily actions in Seoul's time; the planner may schedule them.
      const targets = all.filter(
        (resource) => resource.Type === 'AWS::ApplicationAutoScaling::ScalableTarget',
      );
      expect(targets.map((target) => target.Properties.ResourceId).sort()).toEqual([
        'function:peakcart-prod-checkout-place-order:provisioned',
        'function:peakcart-prod-search-by-keyword:provisioned',
        'function:peakcart-prod-search-group-offers:provisioned',
      ]);
      for (const target of targets) {
        expect(target.Properties.ScheduledActions).toEqual([
          expect.objectContaining({
            ScheduledActionName: 'quiet-hours-start',
            Schedule: 'cron(0 2 * * ? *)',
            Timezone: 'Asia/Seoul',
          }),
          expect.objectContaining({
            ScheduledActionName: 'quiet-hours-end',
            Schedule: 'cron(0 6 * * ? *)',
            Timezone: 'Asia/Seoul',
          }),
        ]);
      }
      expect(JSON.stringify(template.Resources.IamRoleLambdaExecution)).toContain(
        'application-autoscaling:PutScheduledAction',
      );
      // Every function on the supported runtime; and the template as cfn-lint judges it (no
      // deprecated runtime, no IAM action that does not exist, nothing redundant).
      expect(new Set(all.filter(isFunction).map((fn) => fn.Properties.Runtime))).toEqual(
        new Set(['nodejs24.x']),
      );
      const lint = spawnSync('bash', [path.join(repoRoot, 'scripts', 'cfn-lint.sh'), templatePath], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(lint.stdout + lint.stderr.replace(/^cfn-lint: installing.*\n/m, '')).toBe('');
      expect(lint.status).toBe(0);
    } finally {
      rmSync(prodDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('refuses a VPC without security groups, naming both settings', async () => {
    const result = await runServerless(
      ['package', '--stage', 'prod', '--package', path.join(tmpdir(), 'unused')],
      repoRoot,
      60_000,
      { ...deployment, PEAKCART_VPC_SUBNET_IDS: 'subnet-0a1b2c3d' },
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('PEAKCART_VPC_SECURITY_GROUP_IDS');
  }, 60_000);

  it('refuses to package with the sandbox payment gateway, naming the setting', async () => {
    const result = await runServerless(
      ['package', '--stage', 'prod', '--package', path.join(tmpdir(), 'unused')],
      repoRoot,
      60_000,
      { ...deployment, PEAKCART_PAYMENT_PROVIDER: 'sandbox' },
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('PEAKCART_PAYMENT_PROVIDER=sandbox is a test mode that moves no money');
  }, 60_000);

  it('refuses to package without the Kafka brokers, naming the missing setting', async () => {
    const result = await runServerless(
      ['package', '--stage', 'prod', '--package', path.join(tmpdir(), 'unused')],
      repoRoot,
      60_000,
      { ...deployment, PEAKCART_KAFKA_BOOTSTRAP_SERVERS: '' },
    );
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('PEAKCART_KAFKA_BOOTSTRAP_SERVERS');
  }, 60_000);
});
