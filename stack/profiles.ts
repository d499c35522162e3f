/**
 * Ports and folders of the two local stacks. `dev` serves `npm start`; `test` is what `npm test`
 * brings up and tears down, on other ports, so a test run never disturbs a running dev stack.
 * Ports avoid the usual defaults (6379, 9092, 8000) so a developer's own services keep theirs.
 * Every port can be overridden by an environment variable named below. The defaults live in
 * profiles.json, which serverless.yml reads too.
 */
import path from 'node:path';
import { tablePrefixFor } from '../shared/infra';
import { localSigningKey } from './local-secrets';
import profileDefaults from './profiles.json';

export type ProfileName = 'dev' | 'test';

export interface StackProfile {
  name: ProfileName;
  /** Serverless stage the API runs as. */
  stage: string;
  host: '127.0.0.1';
  redisPort: number;
  kafkaPort: number;
  kafkaControllerPort: number;
  dynamodbPort: number;
  apiPort: number;
  lambdaPort: number;
  /** Logs, PID files and data of this profile. */
  stateDir: string;
}

export const repoRoot = path.resolve(__dirname, '..');
/** Downloaded jars, shared by both profiles and kept across runs. */
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
    stateDir: process.env[`PEAKCART_${name.toUpperCase()}_STATE_DIR`] || path.join(repoRoot, '.stack', name),
  };
}

export function isProfileName(value: string): value is ProfileName {
  return value === 'dev' || value === 'test';
}

/** The environment the functions read (keys from shared/infra/resources.json) for this profile's stack. */
export function functionEnvironment(profile: StackProfile): Record<string, string> {
  return {
    STAGE: profile.stage,
    TABLE_PREFIX: tablePrefixFor(profile.stage),
    REDIS_URL: `redis://${profile.host}:${profile.redisPort}`,
    REDIS_CLUSTER: 'false',
    KAFKA_BROKERS: `${profile.host}:${profile.kafkaPort}`,
    DYNAMODB_ENDPOINT: `http://${profile.host}:${profile.dynamodbPort}`,
    AWS_REGION: 'us-east-1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'INFO',
    JWT_SIGNING_KEY: localSigningKey(profile.name),
    LOGIN_LOCK_SECONDS: process.env.LOGIN_LOCK_SECONDS ?? '900',
    HISTORY_RETENTION_DAYS: process.env.HISTORY_RETENTION_DAYS ?? '365',
    RATE_LIMITS: process.env.RATE_LIMITS ?? '',
  };
}
