/**
 * The shared warm cache. One client per Lambda container, created on first use and reused by every
 * invocation; commands fail fast instead of queueing while Redis is unreachable, so callers can
 * fall back to DynamoDB.
 */
import Redis from 'ioredis';
import { requireEnv } from '../config/env';
import { logger } from '../logger';

let client: Redis | undefined;

export function redisClient(): Redis {
  if (client) return client;
  const created = new Redis(requireEnv('REDIS_URL'), {
    lazyConnect: true,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // No INFO round trip before the first command of a cold container; a Redis still loading its
    // data answers LOADING, which callers treat like any cache failure.
    enableReadyCheck: false,
  });
  // Every command that fails reports its own error to its caller; the connection's errors while
  // it keeps reconnecting are logged once per outage instead of once per attempt.
  let reported = false;
  created.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn('redis connection failed; reconnecting', { error: error.message });
  });
  created.on('ready', () => {
    reported = false;
  });
  client = created;
  return created;
}

let connecting: Promise<void> | undefined;

/**
 * The client, connected: the first caller of a cold container waits for the connection (once, shared
 * by concurrent callers). While Redis is unreachable this rejects or later commands fail at once,
 * and the client keeps reconnecting in the background.
 */
export async function connectedRedis(): Promise<Redis> {
  const redis = redisClient();
  if (redis.status === 'wait') {
    connecting ??= redis.connect().finally(() => {
      connecting = undefined;
    });
  }
  if (connecting) await connecting;
  return redis;
}

/** The replies of a pipeline, which reports a failed command in its reply rather than by rejecting. */
export async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/** host:port the cache client talks to. */
export function redisEndpoint(): string {
  const url = new URL(requireEnv('REDIS_URL'));
  return `${url.hostname}:${url.port || '6379'}`;
}

/** Round trip of a PING; connects first if needed. */
export async function pingRedis(): Promise<void> {
  const redis = await connectedRedis();
  const reply = await redis.ping();
  if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
}

/** Closes the client (tests and scripts; a Lambda container keeps it), without waiting on a server that does not answer. */
export async function closeRedis(): Promise<void> {
  const current = client;
  client = undefined;
  if (!current || current.status === 'end') return;
  // QUIT waits for the server's reply, which a connection that never became ready may not send.
  if (current.status === 'ready') await current.quit().catch(() => current.disconnect());
  else current.disconnect();
}
