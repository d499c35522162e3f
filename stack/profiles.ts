/**
 * Ports and folders of the local stacks. `dev` serves `npm start`; `test` is what `npm test`
 * brings up and tears down, on other ports, so a test run never disturbs a running dev stack;
 * `cluster` (`npm run test:cluster`) runs Redis and Kafka as clusters of three nodes each.
 * Ports avoid the usual defaults (6379, 9092, 8000) so a developer's own services keep theirs.
 * Every port can be overridden by an environment variable named below. The defaults live in
 * profiles.json, which serverless.yml reads too.
 */
import path from 'node:path';
import { tablePrefixFor } from '../shared/infra';
import { localAdClickKey, localRequestHashKey, localSigningKey } from './local-secrets';
import profileDefaults from './profiles.json';

export type ProfileName = 'dev' | 'test' | 'cluster';
export const profileNames: readonly ProfileName[] = ['dev', 'test', 'cluster'];

export interface StackProfile {
  name: ProfileName;
  /** Serverless stage the API runs as. */
  stage: string;
  host: '127.0.0.1';
  /** Redis, or the first node of a Redis Cluster (see redisPorts). */
  redisPort: number;
  /** The broker, or the first node's (see kafkaNodes). */
  kafkaPort: number;
  kafkaControllerPort: number;
  dynamodbPort: number;
  apiPort: number;
  lambdaPort: number;
  /** Nodes of Redis and of Kafka: 1, or that many nodes forming a cluster of each. */
  nodes: number;
  /** Logs, PID files and data of this profile. */
  stateDir: string;
}

export interface KafkaNode {
  /** `node.id`, from 1. */
  id: number;
  port: number;
  controllerPort: number;
}

export const repoRoot = path.resolve(__dirname, '..');
/** Downloaded jars, shared by every profile and kept across runs. */
export const cacheDir = path.join(repoRoot, '.stack', 'cache');

const defaults: Record<ProfileName, Omit<StackProfile, 'name' | 'stateDir' | 'host'>> = profileDefaults;

function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`${variable}=${raw} is not a TCP port (1-65535)`);
  }
  return port;
}

/**
 * The profile with any `PEAKCART_<NAME>_<SERVICE>_PORT` overrides applied, e.g. `PEAKCART_TEST_REDIS_PORT`,
 * and `PEAKCART_<NAME>_STATE_DIR` for its logs and PID files.
 */
export function loadProfile(name: ProfileName): StackProfile {
  const base = defaults[name];
  const env = (service: string) => `PEAKCART_${name.toUpperCase()}_${service}_PORT`;
  return {
    name,
    stage: base.stage,
    host: '127.0.0.1',
    redisPort: portFromEnv(env('REDIS'), base.redisPort),
    kafkaPort: portFromEnv(env('KAFKA'), base.kafkaPort),
    kafkaControllerPort: portFromEnv(env('KAFKA_CONTROLLER'), base.kafkaControllerPort),
    dynamodbPort: portFromEnv(env('DYNAMODB'), base.dynamodbPort),
    apiPort: portFromEnv(env('API'), base.apiPort),
    lambdaPort: portFromEnv(env('LAMBDA'), base.lambdaPort),
    nodes: base.nodes,
    stateDir: process.env[`PEAKCART_${name.toUpperCase()}_STATE_DIR`] || path.join(repoRoot, '.stack', name),
  };
}

export function isProfileName(value: string): value is ProfileName {
  return (profileNames as readonly string[]).includes(value);
}

const nodeIndexes = (profile: StackProfile) => Array.from({ length: profile.nodes }, (_, index) => index);

/** Ports of the Redis nodes: the profile's Redis port and the ones after it. */
export function redisPorts(profile: StackProfile): number[] {
  return nodeIndexes(profile).map((index) => profile.redisPort + index);
}

/** The Kafka nodes, each broker and controller: node n listens 100 ports above node n - 1. */
export function kafkaNodes(profile: StackProfile): KafkaNode[] {
  return nodeIndexes(profile).map((index) => ({
    id: index + 1,
    port: profile.kafkaPort + index * 100,
    controllerPort: profile.kafkaControllerPort + index * 100,
  }));
}

/** host:port of every broker. */
export function kafkaBrokerList(profile: StackProfile): string[] {
  return kafkaNodes(profile).map((node) => `${profile.host}:${node.port}`);
}

/** The environment the functions read (keys from shared/infra/resources.json) for this profile's stack. */
export function functionEnvironment(profile: StackProfile): Record<string, string> {
  return {
    STAGE: profile.stage,
    TABLE_PREFIX: tablePrefixFor(profile.stage),
    REDIS_URL: redisPorts(profile)
      .map((port) => `redis://${profile.host}:${port}`)
      .join(','),
    REDIS_CLUSTER: profile.nodes > 1 ? 'true' : 'false',
    KAFKA_BROKERS: kafkaBrokerList(profile).join(','),
    KAFKA_SECRET_ARN: '',
    DYNAMODB_ENDPOINT: `http://${profile.host}:${profile.dynamodbPort}`,
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO',
    JWT_SIGNING_KEY: localSigningKey(profile.name),
    REQUEST_HASH_KEY: localRequestHashKey(profile.name),
    AD_CLICK_KEY: localAdClickKey(profile.name),
    SPONSORED_SLOTS: process.env.SPONSORED_SLOTS ?? '2',
    PAYMENT_PROVIDER: 'sandbox',
    LOGIN_LOCK_SECONDS: process.env.LOGIN_LOCK_SECONDS ?? '900',
    HISTORY_RETENTION_DAYS: process.env.HISTORY_RETENTION_DAYS ?? '365',
    RATE_LIMITS: process.env.RATE_LIMITS ?? '',
    AUTOSCALING_ENDPOINT: `http://${profile.host}:${profile.lambdaPort}`,
  };
}
