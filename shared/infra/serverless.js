/**
 * What serverless.yml reads from the one definition (resources.json) and the local stack profiles
 * (stack/profiles.json), through `${file(./shared/infra/serverless.js):<export>}`. CommonJS because
 * the Serverless Framework loads it with require().
 */
const resources = require('./resources.json');
const profiles = require('../../stack/profiles.json');

/** The stages of the local stacks: only they may use a test-mode payment gateway. */
const localStages = Object.values(profiles).map((profile) => profile.stage);
const { localAdClickKey, localRequestHashKey, localSigningKey } = require('../../stack/local-secrets.js');

const localBrokerSecret = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:peakcart-local-kafka';

const pascal = (name) =>
  name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');

function tableResource(stage, table) {
  const keys = ['pk', 'sk'];
  const hasGsi1 = table.indexes.includes('gsi1');
  const attributes = hasGsi1 ? [...keys, 'gsi1pk', 'gsi1sk'] : keys;
  return {
    Type: 'AWS::DynamoDB::Table',
    DeletionPolicy: 'Retain',
    UpdateReplacePolicy: 'Retain',
    Properties: {
      TableName: `${resources.service}-${stage}-${table.name}`,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      ...(hasGsi1 && {
        GlobalSecondaryIndexes: [
          {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: 'gsi1pk', KeyType: 'HASH' },
              { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
      ...(table.ttlAttribute && {
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    },
  };
}

/**
 * One AWS::DynamoDB::Table resource per table of the definition, keyed by logical id (e.g.
 * `HistoryTable`). The local stack creates its tables from the same resources.
 */
function tableResources(stage) {
  return Object.fromEntries(
    resources.tables.map((table) => [`${pascal(table.name)}Table`, tableResource(stage, table)]),
  );
}
module.exports.tableResources = tableResources;

/** The table resources of the stage being packaged, for serverless.yml. */
module.exports.tables = async ({ resolveVariable }) => tableResources(await resolveVariable('sls:stage'));

/**
 * API Gateway's own error answers (no such route, throttled, body too large, a function that
 * failed or timed out) in the error shape of shared/http, `{"error": {code, message, requestId}}`,
 * so a client parses one shape whoever answered. `$context.error.messageString` is already quoted.
 */
const gatewayErrors = [
  ['MISSING_AUTHENTICATION_TOKEN', '404', 'not_found', '"No such route"'],
  ['THROTTLED', '429', 'too_many_requests', '"Too many requests; retry later"'],
  ['REQUEST_TOO_LARGE', '413', 'payload_too_large', '"The request body is too large"'],
  ['UNSUPPORTED_MEDIA_TYPE', '415', 'unsupported_media_type', '$context.error.messageString'],
  ['DEFAULT_4XX', undefined, 'bad_request', '$context.error.messageString'],
  ['DEFAULT_5XX', undefined, 'internal_error', '"The request could not be completed"'],
];

module.exports.gatewayErrors = gatewayErrors;

/** CloudFormation resources: one AWS::ApiGateway::GatewayResponse per entry of gatewayErrors. */
module.exports.gatewayResponses = () =>
  Object.fromEntries(
    gatewayErrors.map(([responseType, statusCode, code, message]) => [
      `GatewayResponse${pascal(responseType.toLowerCase())}`,
      {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: { Ref: 'ApiGatewayRestApi' },
          ResponseType: responseType,
          ...(statusCode && { StatusCode: statusCode }),
          ResponseParameters: {
            'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
            'gatewayresponse.header.x-request-id': 'context.requestId',
          },
          ResponseTemplates: {
            'application/json': `{"error":{"code":"${code}","message":${message},"requestId":"$context.requestId"}}`,
          },
        },
      },
    ]),
  );

/** Topic names by key, e.g. `${self:custom.topics.orderEvents}`. */
module.exports.topics = () => Object.fromEntries(resources.topics.map((topic) => [topic.key, topic.name]));

/** The service name of the definition. */
module.exports.service = () => resources.service;

function requiredEnv(name, stage) {
  const value = process.env[name];
  if (!value) throw new Error(`Packaging stage "${stage}" needs the environment variable ${name}`);
  return value;
}

/** A comma-separated list of ids from the environment at package time; empty when unset. */
const idList = (name) =>
  (process.env[name] ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);

/**
 * The VPC of a deployed stage, where ElastiCache and the Kafka brokers are reachable: subnets and
 * security groups from PEAKCART_VPC_SUBNET_IDS and PEAKCART_VPC_SECURITY_GROUP_IDS. Null without
 * them (the functions then run outside any VPC); one without the other is a mistake.
 */
function deploymentVpc(stage) {
  const subnetIds = idList('PEAKCART_VPC_SUBNET_IDS');
  const securityGroupIds = idList('PEAKCART_VPC_SECURITY_GROUP_IDS');
  if (subnetIds.length === 0 && securityGroupIds.length === 0) return null;
  if (subnetIds.length === 0 || securityGroupIds.length === 0) {
    throw new Error(
      `Packaging stage "${stage}" needs both PEAKCART_VPC_SUBNET_IDS and PEAKCART_VPC_SECURITY_GROUP_IDS, or neither`,
    );
  }
  return { subnetIds, securityGroupIds };
}

/**
 * The functions a promotion's start hits first, by the sizing class (`custom.stages.<stage>`) of
 * their provisioned concurrency: they get warm capacity ahead of each start (shared/domain/capacity.ts).
 */
const capacityFunctions = {
  'search-by-keyword': 'search',
  'search-group-offers': 'search',
  'checkout-place-order': 'checkout',
};

/** CAPACITY_SETTINGS of a stage, from its sizing: provisioned (baseline), quiet and peak per class. */
function capacitySettings(prefix, sizing) {
  const { capacity, provisioned } = sizing;
  const functions = {};
  for (const [key, sizingClass] of Object.entries(capacityFunctions)) {
    const peak = capacity.peak[sizingClass] ?? 0;
    if (peak === 0) continue;
    functions[`${prefix}-${key}`] = {
      baseline: provisioned[sizingClass] ?? 0,
      quiet: capacity.quiet[sizingClass] ?? 0,
      peak,
    };
  }
  return { leadSeconds: capacity.leadSeconds, quietHours: capacity.quietHours, functions };
}

/** serverless.yml's normalized logical-id form of a function key: `search-by-keyword` → `SearchDashbyDashkeyword`. */
const normalizedFunctionName = (key) =>
  key[0].toUpperCase() + key.slice(1).replaceAll('-', 'Dash').replaceAll('_', 'Underscore');

/** `02:00` → `cron(0 2 * * ? *)`: every day at that wall-clock time. */
const dailyCron = (time) => `cron(${Number(time.slice(3))} ${Number(time.slice(0, 2))} * * ? *)`;

/**
 * One Application Auto Scaling target per function with provisioned concurrency (the `provisioned`
 * alias Serverless creates), between its quiet capacity and its peak, with the quiet hours as two
 * daily scheduled actions in the stage's time zone. Promotions add one-time actions to these
 * targets at run time. Stages without provisioned concurrency get none.
 */
module.exports.capacityTargets = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const sizing = await resolveVariable('self:custom.sizing');
  const { quietHours } = sizing.capacity;
  const targets = {};
  for (const [key, sizingClass] of Object.entries(capacityFunctions)) {
    const baseline = sizing.provisioned[sizingClass] ?? 0;
    if (baseline === 0) continue;
    const quiet = sizing.capacity.quiet[sizingClass] ?? 0;
    const peak = Math.max(baseline, sizing.capacity.peak[sizingClass] ?? 0);
    const name = normalizedFunctionName(key);
    const at = (time, capacity, actionName) => ({
      ScheduledActionName: actionName,
      Schedule: dailyCron(time),
      Timezone: quietHours.timeZone,
      ScalableTargetAction: { MinCapacity: capacity, MaxCapacity: capacity },
    });
    targets[`${name}ProvConcScalableTarget`] = {
      Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
      DependsOn: `${name}ProvConcLambdaAlias`,
      Properties: {
        ServiceNamespace: 'lambda',
        ScalableDimension: 'lambda:function:ProvisionedConcurrency',
        ResourceId: `function:${resources.service}-${stage}-${key}:provisioned`,
        MinCapacity: Math.min(quiet, baseline),
        MaxCapacity: peak,
        ScheduledActions: [
          at(quietHours.start, quiet, 'quiet-hours-start'),
          at(quietHours.end, baseline, 'quiet-hours-end'),
        ],
      },
    };
  }
  return targets;
};

/**
 * The payment provider a deployed stage names (PEAKCART_PAYMENT_PROVIDER). The sandbox approves
 * test cards without moving money: refused here at package time, as the functions refuse it at
 * cold start (shared/domain/payment.ts). Unset, the charging functions refuse to start, naming it.
 */
function paymentProvider(stage) {
  const provider = process.env.PEAKCART_PAYMENT_PROVIDER || '';
  if (provider === 'sandbox') {
    throw new Error(
      `PEAKCART_PAYMENT_PROVIDER=sandbox is a test mode that moves no money; stage ${stage} is not local (${localStages.join(', ')}) and needs a real payment provider`,
    );
  }
  return provider;
}

/**
 * Per-stage settings: the functions' environment (the keys of the definition), the Kafka bootstrap
 * servers, how Lambda's event-source mappings reach and authenticate to them, and the functions'
 * VPC. Local stages take the stack's ports (or the URLs the start and test scripts export) and no
 * VPC; other stages read deployment values from the environment at package time and secrets from
 * SSM at deploy time. A deployed stage's producers authenticate with the mappings' secret
 * (KAFKA_SECRET_ARN, SASL/SCRAM-512 like `saslScram512Auth`; see shared/kafka/credentials.ts).
 */
module.exports.stage = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const prefix = `${resources.service}-${stage}`;
  const localName = Object.keys(profiles).find((name) => profiles[name].stage === stage);
  const local = localName && profiles[localName];
  const sizing = await resolveVariable('self:custom.sizing');
  const capacity = JSON.stringify(capacitySettings(prefix, sizing));
  const shippingDeadlineHours = String(sizing.shippingDeadlineHours);
  const sponsoredSlots = String(sizing.sponsoredSlots ?? 2);
  if (local) {
    const brokers = process.env.KAFKA_BROKERS || `127.0.0.1:${local.kafkaPort}`;
    return {
      environment: {
        STAGE: stage,
        TABLE_PREFIX: prefix,
        REDIS_URL: process.env.REDIS_URL || `redis://127.0.0.1:${local.redisPort}`,
        REDIS_CLUSTER: process.env.REDIS_CLUSTER || (local.nodes > 1 ? 'true' : 'false'),
        KAFKA_BROKERS: brokers,
        // The local broker is plaintext on loopback.
        KAFKA_SECRET_ARN: '',
        DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT || `http://127.0.0.1:${local.dynamodbPort}`,
        LOG_LEVEL: process.env.LOG_LEVEL || 'INFO',
        JWT_SIGNING_KEY: process.env.JWT_SIGNING_KEY || localSigningKey(localName),
        REQUEST_HASH_KEY: process.env.REQUEST_HASH_KEY || localRequestHashKey(localName),
        AD_CLICK_KEY: process.env.AD_CLICK_KEY || localAdClickKey(localName),
        SPONSORED_SLOTS: process.env.SPONSORED_SLOTS || sponsoredSlots,
        PAYMENT_PROVIDER: process.env.PAYMENT_PROVIDER || 'sandbox',
        LOGIN_LOCK_SECONDS: process.env.LOGIN_LOCK_SECONDS || '900',
        HISTORY_RETENTION_DAYS: process.env.HISTORY_RETENTION_DAYS || '365',
        RATE_LIMITS: process.env.RATE_LIMITS || '',
        AUTOSCALING_ENDPOINT: process.env.AUTOSCALING_ENDPOINT || `http://127.0.0.1:${local.lambdaPort}`,
        CAPACITY_SETTINGS: capacity,
        SHIPPING_DEADLINE_HOURS: process.env.SHIPPING_DEADLINE_HOURS || shippingDeadlineHours,
      },
      kafkaBootstrapServers: brokers.split(','),
      kafkaAccess: { saslScram512Auth: [localBrokerSecret] },
      vpc: null,
    };
  }
  const brokers = requiredEnv('PEAKCART_KAFKA_BOOTSTRAP_SERVERS', stage);
  const brokerSecret = requiredEnv('PEAKCART_KAFKA_SECRET_ARN', stage);
  const vpc = deploymentVpc(stage);
  return {
    environment: {
      STAGE: stage,
      TABLE_PREFIX: prefix,
      REDIS_URL: `{{resolve:ssm:/${resources.service}/${stage}/redis-url}}`,
      // An ElastiCache replication group with cluster mode enabled: PEAKCART_REDIS_CLUSTER=true.
      REDIS_CLUSTER: process.env.PEAKCART_REDIS_CLUSTER === 'true' ? 'true' : 'false',
      KAFKA_BROKERS: brokers,
      KAFKA_SECRET_ARN: brokerSecret,
      DYNAMODB_ENDPOINT: '',
      // AWS_REGION is set by Lambda itself and may not be overridden.
      LOG_LEVEL: 'INFO',
      JWT_SIGNING_KEY: `{{resolve:ssm:/${resources.service}/${stage}/jwt-signing-key}}`,
      REQUEST_HASH_KEY: `{{resolve:ssm:/${resources.service}/${stage}/request-hash-key}}`,
      AD_CLICK_KEY: `{{resolve:ssm:/${resources.service}/${stage}/ad-click-key}}`,
      SPONSORED_SLOTS: sponsoredSlots,
      PAYMENT_PROVIDER: paymentProvider(stage),
      LOGIN_LOCK_SECONDS: '900',
      HISTORY_RETENTION_DAYS: '365',
      RATE_LIMITS: '',
      AUTOSCALING_ENDPOINT: '',
      CAPACITY_SETTINGS: capacity,
      SHIPPING_DEADLINE_HOURS: shippingDeadlineHours,
    },
    kafkaBootstrapServers: brokers.split(','),
    kafkaAccess: {
      saslScram512Auth: [brokerSecret],
      // The mappings' pollers reach brokers in the VPC through these subnets and security groups.
      ...(vpc && { vpcSubnet: vpc.subnetIds, vpcSecurityGroup: vpc.securityGroupIds }),
    },
    vpc,
  };
};
