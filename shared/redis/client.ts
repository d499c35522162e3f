/**
 * The shared warm cache. One client per Lambda container, created on first use and reused by every
 * invocation; commands fail fast instead of queueing while Redis is unreachable, so callers can
 * fall back to DynamoDB.
 */
import Redis from 'ioredis';
import { requireEnv } from '../config/env';

let client: Redis | undefined;

export function redisClient(): Redis {
  client ??= new Redis(requireEnv('REDIS_URL'), {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  return client;
}

/** host:port the cache client talks to. */
export function redisEndpoint(): string {
  const url = new URL(requireEnv('REDIS_URL'));
  return `${url.hostname}:${url.port || '6379'}`;
}

/** Round trip of a PING; connects first if needed. */
export async function pingRedis(): Promise<void> {
  const redis = redisClient();
  if (redis.status === 'wait' || redis.status === 'end') await redis.connect();
  const reply = await redis.ping();
  if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
}

/** Closes the client (tests and scripts; a Lambda container keeps it). */
export async function closeRedis(): Promise<void> {
  const current = client;
  client = undefined;
  if (current && current.status !== 'end') await current.quit().catch(() => current.disconnect());
}
