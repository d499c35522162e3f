/**
 * The shared warm cache. One client per Lambda container, created on first use and reused by every
 * invocation; commands fail fast instead of queueing while Redis is unreachable, wait at most
 * redisTimeoutMs for an answer when it does not answer, and are refused at once while the
 * container's Redis breaker is open, so callers can take their fallbacks without waiting.
 *
 * REDIS_URL names one Redis, or with REDIS_CLUSTER=true the configuration endpoint of a Redis
 * Cluster (ElastiCache with cluster mode enabled; several seed nodes may be given, comma-separated).
 * Callers see the same client either way. In a cluster a command, script, transaction or pipeline
 * may only touch keys of one hash slot: keys that are used together share a hash tag (the part of
 * the name in braces, e.g. `group:{g}:offers`), and commands on unrelated keys are sent on their
 * own, so that data still spreads over the primaries. keys.ts names every key; each adapter of
 * this folder documents which it uses together.
 */
import Redis, { type ChainableCommander, Cluster, type ClusterNode, type Command, ReplyError } from 'ioredis';
import { optionalEnv, requireEnv } from '../config/env';
import { dependencyBreaker } from '../dependency-breaker';
import { logger } from '../logger';

/** A client of one Redis or of a Redis Cluster: both answer the same commands. */
export type RedisClient = Redis | Cluster;

/**
 * How long a command may go unanswered, and a cold container may wait for its connection, before
 * the caller takes its fallback. A round trip is well under a millisecond; a Redis that is frozen,
 * partitioned away or swamped answers nothing, and without a bound every request would wait on it
 * until its function timed out.
 */
export const redisTimeoutMs = 300;
/**
 * How long a connection may take to be established and answer its handshake: longer than a
 * command, since a busy host needs a moment more for a new connection, and a connection that fails
 * costs the container its cache until the next attempt.
 */
const connectionTimeoutMs = 500;

/** Refused at once: the container's Redis breaker is open, or the connection did not come in time. */
export class RedisUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

/**
 * One breaker per container for every command of the shared connection: two outages in a row
 * (a timeout, a lost connection, LOADING…) open it, and for the next few seconds every command is
 * refused at once, so each request takes its fallback without waiting; then one command tries
 * Redis again. A reply error (a wrong type, a script's error) is an answer, not an outage.
 */
const breaker = dependencyBreaker('redis', {
  failureThreshold: 2,
  cooldownMs: 5_000,
});

const outageReplies = /^(LOADING|BUSY|CLUSTERDOWN|MASTERDOWN|TRYAGAIN)\b/;
const isOutage = (error: unknown) =>
  !(error instanceof ReplyError) || outageReplies.test((error as Error).message);

/** Fail fast rather than queue: the callers have a fallback for every command. */
const connectionOptions = {
  connectTimeout: connectionTimeoutMs,
  maxRetriesPerRequest: 1,
  commandTimeout: redisTimeoutMs,
  // A lost connection is tried again soon: the request that finds it reconnecting waits for the
  // attempt (a frozen container makes no attempt between invocations).
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 500),
  // No INFO round trip before the first command of a cold container; a Redis still loading its
  // data answers LOADING, which callers treat like any cache failure.
  enableReadyCheck: false,
};

let client: RedisClient | undefined;

const seedUrls = () =>
  requireEnv('REDIS_URL')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');

/** Whether REDIS_URL is a Redis Cluster's endpoint (REDIS_CLUSTER=true). */
export function isRedisCluster(): boolean {
  return optionalEnv('REDIS_CLUSTER') === 'true';
}

/**
 * Puts every command of a ready connection through the breaker: sendCommand is where ioredis sends
 * each command, those of pipelines, transactions and scripts included, so no path escapes it. A
 * command of a pipeline or transaction is counted but never refused alone: the batch is written
 * once all its commands are, and one missing would leave the others unsent and the connection's
 * replies out of step; connectedRedis refuses whole operations while the breaker is open. The
 * connection's own handshake (sent before it is ready) is left alone: refusing it would only make
 * the client reconnect in a loop.
 */
function guarded<T extends RedisClient>(redis: T): T {
  const send = redis.sendCommand.bind(redis) as (command: Command, ...rest: unknown[]) => unknown;
  const admitted = new WeakSet<Command>();
  redis.sendCommand = (command: Command, stream?: unknown, ...rest: unknown[]) => {
    if (redis.status !== 'ready') {
      // The handshake: the connection's bound, which the command timeout then leaves as it is.
      command.setTimeout(connectionTimeoutMs);
      return send(command, stream, ...rest);
    }
    // A cluster sends a redirected command again: it was admitted once.
    if (admitted.has(command)) return send(command, stream, ...rest);
    const permit = breaker.tryAcquire();
    if (!permit && stream === undefined) {
      command.reject(unavailable());
      return command.promise;
    }
    if (permit) {
      admitted.add(command);
      command.promise.then(
        () => permit.succeeded(),
        (error: unknown) => (isOutage(error) ? permit.failed(error) : permit.succeeded()),
      );
    }
    return send(command, stream, ...rest);
  };
  return redis;
}

const unavailable = () => new RedisUnavailableError('redis breaker open: answering with fallbacks');

function createCluster(urls: string[]): Cluster {
  const parsed = urls.map((url) => new URL(url));
  const nodes: ClusterNode[] = parsed.map((url) => ({
    host: url.hostname,
    port: Number(url.port || '6379'),
  }));
  const [first] = parsed;
  return new Cluster(nodes, {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    // ElastiCache answers CLUSTER SLOTS with addresses whose TLS certificates name the hosts, not
    // their IPs: connect to the names as given.
    dnsLookup: (address, callback) => callback(null, address),
    slotsRefreshTimeout: 1_000,
    // A primary that failed over answers MOVED or CLUSTERDOWN for a moment; retry once, briefly.
    retryDelayOnClusterDown: 100,
    retryDelayOnFailover: 100,
    maxRedirections: 4,
    redisOptions: {
      ...connectionOptions,
      username: first?.username ? decodeURIComponent(first.username) : undefined,
      password: first?.password ? decodeURIComponent(first.password) : undefined,
      tls: first?.protocol === 'rediss:' ? {} : undefined,
    },
  });
}

export function redisClient(): RedisClient {
  if (client) return client;
  const urls = seedUrls();
  const created = isRedisCluster()
    ? createCluster(urls)
    : new Redis(urls[0] ?? '', { ...connectionOptions, lazyConnect: true, enableOfflineQueue: false });
  client = reportingOutages(guarded(created));
  attemptFailed = false;
  created.on('reconnecting', () => {
    attemptFailed = false;
  });
  return created;
}

/**
 * Every command that fails reports its own error to its caller; the connection's errors while it
 * keeps reconnecting are logged once per outage instead of once per attempt.
 */
function reportingOutages(redis: RedisClient): RedisClient {
  let reported = false;
  redis.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn('redis connection failed; reconnecting', { error: error.message });
  });
  redis.on('ready', () => {
    reported = false;
  });
  return redis;
}

/**
 * The client, connected. A cold container's first caller starts the connection, and a caller that
 * finds the client connecting or reconnecting waits for that attempt (a frozen Lambda container
 * makes no progress on a connection between invocations, so the request must give it the time),
 * until the connection is ready or the attempt fails: bounded by the client's own timeouts. Refused
 * at once while the container's Redis breaker is open; the client keeps reconnecting.
 */
export async function connectedRedis(): Promise<RedisClient> {
  const redis = redisClient();
  if (breaker.state === 'open') throw unavailable();
  if (redis.status === 'wait') redis.connect().catch(() => undefined);
  if (redis.status === 'ready') return redis;
  // An attempt that failed is not waited on again while its socket closes: the next one is.
  if (attemptFailed) throw new RedisUnavailableError('no redis connection: reconnecting');
  // Concurrent callers share one wait.
  waiting ??= connectionWithin(redis).finally(() => {
    waiting = undefined;
  });
  await waiting;
  return redis;
}

/** The last connection attempt failed and no new one has started yet. */
let attemptFailed = false;
let waiting: Promise<void> | undefined;

/**
 * Waits for the connection attempt under way through the breaker, until it is ready or fails: a
 * Redis that accepts the connection and then answers nothing (frozen) fails it when the
 * handshake's command times out, one that cannot be reached at connectTimeout. The bounds are the
 * client's own, so nothing of this wait is left running should a caller stop waiting first.
 */
async function connectionWithin(redis: RedisClient): Promise<void> {
  const permit = breaker.tryAcquire();
  if (!permit) throw unavailable();
  let stopListening: () => void = () => undefined;
  const attempt = new Promise<void>((resolve, reject) => {
    const ready = () => resolve();
    const failed = (error: Error) => reject(error);
    const closed = () => reject(new Error('connection closed'));
    redis.once('ready', ready);
    redis.once('error', failed);
    redis.once('close', closed);
    redis.once('end', closed);
    stopListening = () => {
      redis.off('ready', ready);
      redis.off('error', failed);
      redis.off('close', closed);
      redis.off('end', closed);
    };
  });
  try {
    await attempt;
    permit.succeeded();
  } catch (error) {
    permit.failed(error);
    attemptFailed = true;
    throw new RedisUnavailableError('no redis connection', { cause: error });
  } finally {
    stopListening();
  }
}

let blocking: RedisClient | undefined;
let blockingConnecting: Promise<void> | undefined;

/**
 * A second connection, for blocking commands (XREADGROUP … BLOCK): a command waiting on the shared
 * connection would hold up every command sent after it. Created on first use, like the shared one.
 */
export async function connectedBlockingRedis(): Promise<RedisClient> {
  if (!blocking) {
    const shared = redisClient();
    // A blocking read waits by design: no command timeout and no breaker here, but a bound of
    // its own (its BLOCK time plus blockingTimeoutGrace) in case the server never answers.
    const blockingOptions = {
      commandTimeout: undefined,
      blockingTimeout: redisTimeoutMs,
      blockingTimeoutGrace: redisTimeoutMs,
    };
    blocking = reportingOutages(
      shared instanceof Cluster
        ? shared.duplicate(undefined, {
            redisOptions: { ...shared.options.redisOptions, ...blockingOptions },
          })
        : shared.duplicate(blockingOptions),
    );
  }
  const redis = blocking;
  if (redis.status === 'wait') {
    blockingConnecting ??= redis.connect().finally(() => {
      blockingConnecting = undefined;
    });
  }
  if (blockingConnecting) await blockingConnecting;
  return redis;
}

/**
 * `{value}`, the hash tag that puts every key containing it in one cluster slot. Braces and `%` of
 * the value are percent-encoded, so that the tag ends where the value does and two values never
 * share a tag by accident.
 */
export function hashTag(value: string): string {
  return `{${value.replace(/[%{}]/g, (character) => encodeURIComponent(character))}}`;
}

/**
 * The replies of a pipeline or transaction, which reports a failed command in its reply rather
 * than by rejecting. On a cluster, all its keys must share one hash slot.
 */
export async function execOrThrow(pipeline: ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

/**
 * Settles every write, then rejects with the first failure: writes to different slots go out
 * concurrently, and a caller that undoes something on failure does so once none is in flight.
 */
export async function allWritten(writes: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(writes);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}

/** Primaries to scan: every primary of a cluster (SCAN sees one node's keys), else the one Redis. */
function primaries(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Every key matching the pattern, a page at a time, from each primary. */
export async function* scanKeys(pattern: string): AsyncGenerator<string[]> {
  for (const node of primaries(await connectedRedis())) {
    const stream = node.scanStream({ match: pattern, count: 1000 });
    for await (const keys of stream as AsyncIterable<string[]>) if (keys.length > 0) yield keys;
  }
}

/**
 * Deletes every key matching the pattern; answers how many. One UNLINK per key: the keys of a scan
 * page hash to many slots.
 */
export async function unlinkMatching(pattern: string): Promise<number> {
  const redis = await connectedRedis();
  let deleted = 0;
  for await (const keys of scanKeys(pattern)) {
    const replies = await Promise.all(keys.map((key) => redis.unlink(key)));
    for (const reply of replies) deleted += reply;
  }
  return deleted;
}

/** host:port the cache client talks to (the first seed node of a cluster). */
export function redisEndpoint(): string {
  const url = new URL(seedUrls()[0] ?? '');
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
  const current = [client, blocking];
  client = undefined;
  blocking = undefined;
  waiting = undefined;
  await Promise.all(current.map(close));
}

async function close(redis: RedisClient | undefined): Promise<void> {
  if (!redis || redis.status === 'end') return;
  // QUIT waits for the server's reply, which a connection that never became ready may not send.
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
