/**
 * npm run bench:search — searching the seeded demo catalog (npm run seed) for its common keywords.
 *
 * (a) The search function (functions/search/by-keyword.ts) invoked in-process, no HTTP, beside a
 *     bare ioredis client issuing the same Redis reads and answering the same JSON
 *     (bench/support/bare-search.ts): one call at a time for latency, then --concurrency at a time
 *     for throughput. The two alternate in short slices, so a busy machine slows both alike.
 *     The function also awaits its search event's XADD to Redis, which the bare client does not.
 *     Targets, one call at a time: p99 <= 2 ms, and >= 70% of the bare client's requests/s.
 * (b) GET /search under autocannon (--connections): through the local Lambda runtime
 *     (`serverless local-lambda`: its gateway on the profile's API port, each invocation in one of
 *     search-by-keyword's containers) beside a bare node:http server doing the same reads in a
 *     process of its own (bench/support/bare-search-server.ts), in alternating halves of the same
 *     length. Target: >= 60% of the bare server's requests/s. --connections defaults to 16, under
 *     search's reserved concurrency of the local stages (20), beyond which the gateway answers 429.
 *
 *   npm run bench:search -- [--profile dev|test] [--duration 10] [--connections 16] [--concurrency 8] [--skip-http]
 *
 * The profile's stack must be up and seeded. Each scenario runs for --duration seconds (the
 * concurrent in-process pair for half that). (b) runs first, once the consumers of search events
 * (which the runtime runs in containers of their own) have caught up or 15 s have passed; the
 * whole run takes about 8 times --duration plus the start of the runtime, which is stopped at the
 * end, on an error and on Ctrl-C. Every search stores its search event in Redis before it answers,
 * as in production; the runtime's relay schedule sends (b)'s to Kafka, and at the end the benchmark
 * relays whatever is left (all of (a)'s) as the relay function does, so the benchmark's searches
 * count in the profile's popular and related keywords.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { demoKeywords } from '../scripts/support/demo-catalog';
import { useProfile } from '../scripts/support/profile';
import { run } from '../scripts/support/run';
import { defaultGroupsPerPage, defaultOffersPerGroup } from '../shared/domain/search';
import { type OfflineApi, startOffline } from '../stack/offline';
import type { StackProfile } from '../stack/profiles';
import {
  alternating,
  type Call,
  readSearchBenchOptions,
  type SearchBenchOptions,
  type Stats,
  stats,
  statsRow,
  verdict,
} from './support/alternating';
import { portAnswers } from './support/port-answers';
import { type Measured, searchEvent, searchUnderLoad } from './support/search-load';

// Every request of this benchmark comes from one address (or none, in-process): lift the per-client
// rate limits, which would otherwise answer most of it with 429, so that search itself is measured.
process.env.RATE_LIMITS ??= 'anonymous:1000000/1000000,internal:1000000/1000000';

const p99Target = 2;
/** In-process, one at a time: the function's share of the bare client's requests/s. */
const shareTarget = 0.7;
/** Over HTTP: the runtime's share of the bare server's requests/s. */
const httpShareTarget = 0.6;
/** The longest (b) waits for the consumers of search events to work off a backlog. */
const catchUpSeconds = 15;
/** The longest the end of the run spends relaying the search events of its searches to Kafka. */
const relayMs = 60_000;
function together(runs: Measured[]): Stats {
  return stats(
    runs.flatMap((measured) => measured.latencies),
    runs.reduce((sum, measured) => sum + measured.seconds, 0),
    runs.reduce((sum, measured) => sum + measured.failed, 0),
  );
}

interface Server {
  baseUrl: string;
  stop: () => void;
}

/** Forks bench/support/bare-search-server.ts and resolves with its address once it listens. */
function startBareServer(): Promise<Server> {
  const child = fork(path.join(__dirname, 'support', 'bare-search-server.ts'), [], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const stop = () => {
    if (child.exitCode === null) child.kill();
  };
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port?: number }) =>
      resolve({ baseUrl: `http://127.0.0.1:${message.port}`, stop }),
    );
    child.once('exit', (code) => reject(new Error(`the bare HTTP server exited with ${code}`)));
  });
}

/** What Ctrl-C or a kill must stop before the process ends (the runtime runs detached). */
const stopOnSignal = new Set<() => Promise<void> | void>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping what the benchmark started...`);
    Promise.allSettled([...stopOnSignal].map((stop) => stop())).finally(() => process.exit(130));
  });
}

const row = statsRow;

const keywordAt = (index: number) => demoKeywords[index % demoKeywords.length] ?? '';

/** Throws, with what to run, unless every demo keyword finds groups in Redis; describes the catalog. */
async function seededCatalog(profile: StackProfile): Promise<string> {
  const { connectedRedis, scanKeys } = await import('../shared/redis/client');
  const { keywordGroupsKey } = await import('../shared/redis/keys');
  const redis = await connectedRedis().catch(() => undefined);
  if (redis?.status !== 'ready') {
    throw new Error(
      `Redis is not reachable on ${process.env.REDIS_URL}: start the stack (npm run stack -- up --profile ${profile.name}).`,
    );
  }
  const counts = await Promise.all(demoKeywords.map((keyword) => redis.zcard(keywordGroupsKey(keyword))));
  const missing = demoKeywords.filter((_, index) => counts[index] === 0);
  if (missing.length > 0) {
    const seed = profile.name === 'dev' ? 'npm run seed' : `npm run seed -- --profile ${profile.name}`;
    const more = missing.length > 1 ? ` and ${missing.length - 1} more of its keywords` : '';
    throw new Error(
      `The demo catalog is not in Redis on ${process.env.REDIS_URL} (no group for "${missing[0]}"${more}): run ${seed} first.`,
    );
  }
  let groups = 0;
  let offers = 0;
  for await (const keys of scanKeys('group:*:offers')) {
    groups += keys.length;
    const sizes = await Promise.all(keys.map((key) => redis.zcard(key)));
    offers += sizes.reduce((sum, size) => sum + size, 0);
  }
  const perKeyword = counts.reduce((sum, count) => sum + count, 0) / counts.length;
  return `${groups.toLocaleString('en')} groups, ${offers.toLocaleString('en')} listed offers; ${demoKeywords.length} keywords of ${Math.round(perKeyword)} groups each on average, searched in turn; answers of ${defaultGroupsPerPage} groups x ${defaultOffersPerGroup} offers`;
}

/** (a): the search function in-process beside the bare reads, one at a time, then `concurrency` at a time. */
async function inProcess(options: SearchBenchOptions): Promise<string[]> {
  const { duration, concurrency } = options;
  const { handler } = await import('../functions/search/by-keyword');
  const { relaySearchEvents } = await import('../shared/search/search-event-relay');
  const { connectBareSearch } = await import('./support/bare-search');
  const bare = await connectBareSearch(process.env.REDIS_URL ?? '');
  const context = {
    awsRequestId: 'bench-search',
    functionName: 'search-by-keyword',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:search-by-keyword',
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  const bareCall: Call = async (index) => ({ ok: (await bare.search(keywordAt(index))).length > 0 });
  const functionCall: Call = async (index) => {
    const answer = await handler(searchEvent(keywordAt(index), index), context);
    return { ok: answer.statusCode === 200 && answer.body.includes('"source":"cache"') };
  };
  try {
    console.log(
      `(a) in-process: warming up, then ${duration} s one at a time and ${duration / 2} s ${concurrency} at a time each...`,
    );
    await alternating([bareCall, functionCall], 1, 1);
    await alternating([bareCall, functionCall], 1, concurrency);
    const [bareOne, functionOne] = await alternating([bareCall, functionCall], duration, 1);
    const [bareMany, functionMany] = await alternating([bareCall, functionCall], duration / 2, concurrency);
    if (!bareOne || !functionOne || !bareMany || !functionMany) throw new Error('a scenario did not run');
    return [
      row('(a) bare ioredis, same reads, 1 at a time', bareOne),
      row('(a) search function in-process, 1 at a time', functionOne, bareOne, [
        verdict(functionOne.p99 <= p99Target, `p99 <= ${p99Target} ms`),
        verdict(functionOne.perSecond >= shareTarget * bareOne.perSecond, `>= ${shareTarget * 100}%`),
      ]),
      row(`(a) bare ioredis, same reads, ${concurrency} at a time`, bareMany),
      row(`(a) search function in-process, ${concurrency} at a time`, functionMany, bareMany),
    ];
  } finally {
    bare.close();
    // The runtime is stopped by now and (a) ran in this process: this sends what its relay left.
    const until = performance.now() + relayMs;
    await relaySearchEvents({ timeLeftMs: () => until - performance.now(), untilEmpty: true });
  }
}

/**
 * (b): GET /search through the local Lambda runtime beside the bare HTTP server. Measured once the
 * consumers of search events (which run in the runtime's containers) have caught up, or after
 * `catchUpSeconds`, so a backlog of earlier runs' events is not measured with it.
 */
async function overHttp(options: SearchBenchOptions): Promise<string[]> {
  const { profile, duration, connections } = options;
  const { topicName } = await import('../shared/infra');
  const { consumersCaughtUp } = await import('./support/consumer-lag');
  for (const port of [profile.apiPort, profile.lambdaPort]) {
    if (await portAnswers(port)) {
      throw new Error(
        `Port ${port} is taken (is npm start running?): stop it, or use --profile test or --skip-http.`,
      );
    }
  }
  console.log(`(b) HTTP: starting the local Lambda runtime (${profile.name}) and the bare server...`);
  const bareServer = await startBareServer();
  stopOnSignal.add(bareServer.stop);
  const starting = startOffline(profile);
  const stopOffline = () => starting.then((api) => api.stop()).catch(() => undefined);
  stopOnSignal.add(stopOffline);
  try {
    const api: OfflineApi = await starting;
    const topic = topicName('searchEvents');
    const behind = await consumersCaughtUp(
      [topic],
      catchUpSeconds * 1000,
      (behind) => console.log(`(b) HTTP: waiting for the consumers of ${topic} (${behind} events behind)...`),
      () => interrupted,
    );
    if (interrupted) return [];
    console.log(
      `(b) HTTP: warming up, then ${duration} s each, ${connections} connections, in alternating halves...`,
    );
    // The first round at full concurrency pays the cold starts of the containers and is not counted.
    await searchUnderLoad(api.baseUrl, connections, 5, keywordAt);
    await searchUnderLoad(bareServer.baseUrl, connections, 2, keywordAt);
    const halves = { bare: [] as Measured[], runtime: [] as Measured[] };
    for (let half = 0; half < 2; half += 1) {
      halves.bare.push(await searchUnderLoad(bareServer.baseUrl, connections, duration / 2, keywordAt));
      halves.runtime.push(await searchUnderLoad(api.baseUrl, connections, duration / 2, keywordAt));
    }
    const bareHttp = together(halves.bare);
    const runtimeHttp = together(halves.runtime);
    const rows = [
      row(`(b) bare node:http, same reads, ${connections} conn.`, bareHttp),
      row(`(b) GET /search through the local runtime, ${connections} conn.`, runtimeHttp, bareHttp, [
        verdict(
          runtimeHttp.perSecond >= httpShareTarget * bareHttp.perSecond,
          `>= ${httpShareTarget * 100}%`,
        ),
      ]),
    ];
    if (behind > 0) rows.push(`    (${topic} consumers were still ${behind} events behind when (b) began)`);
    return rows;
  } finally {
    await stopOffline();
    bareServer.stop();
    stopOnSignal.clear();
  }
}

async function main(): Promise<void> {
  const options = readSearchBenchOptions({ duration: 10, connections: 16 });
  process.env.LOG_LEVEL = 'WARN';
  useProfile(options.profile.name);
  const { logger } = await import('../shared/logger');
  logger.setLogLevel('WARN');
  console.log(`Catalog in Redis (${options.profile.name}): ${await seededCatalog(options.profile)}.`);
  // HTTP first: the search events (a) sends would otherwise be a backlog for the runtime's consumers.
  const httpRows = options.skipHttp ? [] : await overHttp(options);
  if (interrupted) return;
  const inProcessRows = await inProcess(options);
  console.log('');
  console.log(
    [
      'scenario'.padEnd(44),
      'requests'.padStart(8),
      'ops/s'.padStart(8),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'failed'.padStart(6),
      'vs base'.padStart(8),
      'target',
    ].join('  '),
  );
  for (const line of [...inProcessRows, ...httpRows]) console.log(line);
}

run(main);
