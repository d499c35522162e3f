/**
 * npm run bench:ads — what sponsored slots cost search, on a small catalog of its own (written to
 * the profile's stack first: 10 keywords of 10 product groups each, and one campaign per keyword).
 *
 * (a) The search function (functions/search/by-keyword.ts) in-process with ads on (SPONSORED_SLOTS=2)
 *     and off (0), alternating in short slices so a busy machine slows both alike: one call at a
 *     time, then --concurrency at a time. Target: ads on keep >= 85% of ads off's requests/s.
 * (b) The ad store failing: Redis (where ads are chosen from) unreachable, then hung (a proxy that
 *     stops forwarding), ads on and off alternating under the same outage (Redis is also search's
 *     cache, so both answer from DynamoDB), one call at a time for --duration each. Target: p99 with ads on <= p99 with
 *     ads off + the ads' timeout (50 ms).
 * (c) GET /search under autocannon (--connections) through the local Lambda runtime, started with
 *     ads off, then with ads on (SPONSORED_SLOTS reaches the functions through serverless.js), for
 *     the same --duration each after 20 s of warming the containers (a new container's first few
 *     hundred requests run code not yet optimised; a deployed one serves thousands). Before the
 *     warm-up and before measuring, the events stored so far are relayed to Kafka and the runtime's
 *     consumers are given up to 90 s to catch up, so that neither runtime is measured beside a
 *     backlog. Target: >= 85% of ads off's requests/s.
 *
 *   npm run bench:ads -- [--profile dev|test] [--duration 6] [--connections 8] [--concurrency 8] [--skip-http]
 *
 * The profile's stack must be up. Loopback only; the whole run takes about 5 times --duration plus
 * two starts and warm-ups of the runtime (stopped at the end, on an error and on Ctrl-C), and relays the ad and
 * search events its searches stored to Kafka before each start and at the end.
 */
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { useProfile } from '../scripts/support/profile';
import { run } from '../scripts/support/run';
import { type OfflineApi, startOffline } from '../stack/offline';
import { hungRedisProxy } from '../test/support/hung-redis';
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
import { searchEvent, searchUnderLoad } from './support/search-load';

// One address sends every request: lift the per-client rate limits, so that search is measured.
process.env.RATE_LIMITS ??= 'anonymous:1000000/1000000,internal:1000000/1000000';

/** Ads on keep at least this share of ads off's requests/s. */
const shareTarget = 0.85;
/** The longest (c) waits for the runtime's consumers to catch up before measuring. */
const catchUpSeconds = 90;
/** How long (c) loads each runtime before measuring it. */
const warmSeconds = 20;
const slotsOn = '2';
const keywords = Array.from({ length: 10 }, (_, n) => `adbench${n}`);

/** A row of this benchmark's table (with the count of answers that had a paid ad). */
const row = (name: string, result: Stats, baseline?: Stats, verdicts: string[] = []) =>
  statsRow(name, result, baseline, verdicts, true);
const keywordAt = (index: number) => keywords[index % keywords.length] ?? '';

/** The bench's catalog: per keyword 10 groups of 2 offers, and a campaign for one of them. */
async function seedCatalog(): Promise<void> {
  const { offerItems, writeItems } = await import('../shared/dynamo/offer-store');
  const { applyOffer } = await import('../shared/redis/price-cache');
  const { createCampaign } = await import('../shared/ads/campaigns');
  const { campaignInputSchema } = await import('../shared/domain/ads');
  const { listCampaigns } = await import('../shared/dynamo/campaign-store');
  const now = new Date().toISOString();
  const offers = keywords.flatMap((keyword, k) =>
    Array.from({ length: 20 }, (_, n) => ({
      offerId: `adbench-o${k}-${n}`,
      groupId: `adbench-g${k}-${Math.floor(n / 2)}`,
      sellerId: `adbench-seller${k}`,
      sku: `SKU-${n}`,
      title: `Bench product ${k}-${n}`,
      keywords: [keyword],
      category: `adbench-cat${k}`,
      price: 10_000 + 100 * n,
      shippingFee: 0,
      stock: 1_000_000,
      unitCost: 7_000,
      url: `https://seller.example/adbench/${k}/${n}`,
      version: 1,
      removed: false,
      updatedAt: now,
    })),
  );
  await writeItems(offers.flatMap(offerItems));
  for (const offer of offers) await applyOffer(offer);
  const existing = new Set((await listCampaigns()).map((campaign) => campaign.sellerId));
  for (const [k, keyword] of keywords.entries()) {
    if (existing.has(`adbench-seller${k}`)) continue;
    await createCampaign(
      `adbench-seller${k}`,
      campaignInputSchema.parse({
        name: `Bench ${k}`,
        offerIds: [`adbench-o${k}-19`, `adbench-o${k}-18`],
        keywords: [keyword],
        bidWon: 10,
        dailyBudgetWon: 1_000_000_000,
      }),
    );
  }
}

const context = {
  awsRequestId: 'bench-ads',
  functionName: 'search-by-keyword',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** Whether this process's Redis answers a ping within `ms` (asked again every 200 ms). */
async function redisAnswersWithin(ms: number): Promise<boolean> {
  const { pingRedis } = await import('../shared/redis/client');
  for (const until = performance.now() + ms; performance.now() < until; ) {
    if (
      await pingRedis().then(
        () => true,
        () => false,
      )
    )
      return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

async function inProcess(options: SearchBenchOptions): Promise<string[]> {
  const { handler } = await import('../functions/search/by-keyword');
  const { closeRedis } = await import('../shared/redis/client');
  const { adTimeoutMs } = await import('../shared/ads/serving');
  const search =
    (slots: string): Call =>
    async (index) => {
      // Read by every search; only one of the scenarios runs at a time.
      process.env.SPONSORED_SLOTS = slots;
      const answer = (await handler(searchEvent(keywordAt(index), index), context)) as APIGatewayProxyResult;
      return { ok: answer.statusCode === 200, marked: answer.body.includes('"kind":"sponsored"') };
    };
  const off = search('0');
  const on = search(slotsOn);
  const lines: string[] = [];
  console.log(
    `(a) in-process: ${options.duration} s one at a time, ${options.duration / 2} s ${options.concurrency} at a time, each...`,
  );
  await alternating([off, on], 1, 1);
  const [offOne, onOne] = await alternating([off, on], options.duration, 1);
  const [offMany, onMany] = await alternating([off, on], options.duration / 2, options.concurrency);
  if (!offOne || !onOne || !offMany || !onMany) throw new Error('a scenario did not run');
  lines.push(
    row('(a) ads off, 1 at a time', offOne),
    row('(a) ads on, 1 at a time', onOne, offOne, [
      verdict(onOne.perSecond >= shareTarget * offOne.perSecond, `>= ${shareTarget * 100}%`),
    ]),
    row(`(a) ads off, ${options.concurrency} at a time`, offMany),
    row(`(a) ads on, ${options.concurrency} at a time`, onMany, offMany, [
      verdict(onMany.perSecond >= shareTarget * offMany.perSecond, `>= ${shareTarget * 100}%`),
    ]),
  );

  const healthyUrl = process.env.REDIS_URL ?? '';
  const outage = async (name: string, url: string) => {
    await closeRedis();
    process.env.REDIS_URL = url;
    const [offDown, onDown] = await alternating([off, on], options.duration, 1);
    if (!offDown || !onDown) throw new Error('a scenario did not run');
    lines.push(
      row(`(b) ad store ${name}, ads off`, offDown),
      row(`(b) ad store ${name}, ads on`, onDown, offDown, [
        verdict(onDown.p99 <= offDown.p99 + adTimeoutMs, `p99 <= ads off + ${adTimeoutMs} ms`),
      ]),
    );
  };
  console.log(`(b) the ad store unreachable, then hung: ${options.duration} s each, one at a time...`);
  await outage('unreachable', 'redis://127.0.0.1:1');
  const proxy = await hungRedisProxy({ host: '127.0.0.1', port: Number(new URL(healthyUrl).port) });
  try {
    await closeRedis();
    process.env.REDIS_URL = `redis://127.0.0.1:${proxy.port}`;
    // Connected before the hang (once the outage's breaker lets commands through again), so the
    // hang meets commands, as a Redis that froze under load does.
    if (!(await redisAnswersWithin(15_000))) throw new Error('Redis did not answer through the proxy');
    proxy.hang();
    await outage('hung', `redis://127.0.0.1:${proxy.port}`);
  } finally {
    proxy.resume();
    await closeRedis();
    await proxy.close();
    process.env.REDIS_URL = healthyUrl;
  }
  return lines;
}

let runtime: OfflineApi | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the runtime...`);
    Promise.resolve(runtime?.stop()).finally(() => process.exit(130));
  });
}

let relayedAdEvents = 0;

/**
 * Sends what the searches of this process (and a stopped runtime's) stored in Redis to Kafka: the
 * ad and search event streams, once Redis answers (an outage leaves this process's breaker open
 * for a moment). Answers the ad events relayed so far.
 */
async function relayStoredEvents(): Promise<number> {
  await redisAnswersWithin(10_000);
  const { relayAdEvents } = await import('../shared/ads/ad-event-relay');
  const { relaySearchEvents } = await import('../shared/search/search-event-relay');
  const until = performance.now() + 30_000;
  const timeLeftMs = () => until - performance.now();
  relayedAdEvents += (await relayAdEvents({ timeLeftMs, untilEmpty: true })).relayed;
  await relaySearchEvents({ timeLeftMs, untilEmpty: true });
  return relayedAdEvents;
}

/**
 * Waits until the runtime's consumers of the search and ad topics have caught up (at most
 * `catchUpSeconds`): the events of the scenarios before are then not consumed while this one is
 * measured, which would slow whichever runtime ran first.
 */
async function consumersCaughtUp(): Promise<void> {
  const { topicName } = await import('../shared/infra');
  const { consumersCaughtUp: caughtUp } = await import('./support/consumer-lag');
  const topics = [topicName('searchEvents'), topicName('adEvents')];
  const left = await caughtUp(topics, catchUpSeconds * 1000, (behind) =>
    console.log(
      `(c) HTTP: waiting for the consumers of ${topics.join(' and ')} (${behind} events behind)...`,
    ),
  );
  if (left > 0)
    console.log(`(c) HTTP: still ${left} events behind after ${catchUpSeconds} s; measuring anyway`);
}

async function overHttp(options: SearchBenchOptions): Promise<string[]> {
  const measured: Stats[] = [];
  for (const slots of ['0', slotsOn]) {
    process.env.SPONSORED_SLOTS = slots;
    console.log(`(c) HTTP: starting the local Lambda runtime with SPONSORED_SLOTS=${slots}...`);
    await relayStoredEvents();
    runtime = await startOffline(options.profile);
    try {
      await consumersCaughtUp();
      const probe = await fetch(`${runtime.baseUrl}/search?q=${keywordAt(0)}`);
      const body = await probe.text();
      const ads = body.includes('"kind":"sponsored"') ? 1 : 0;
      // Containers start on demand: warm as many as the load uses, long enough for their code to be
      // compiled as a long-lived container's is, then let the consumers take the warm-up's events.
      await searchUnderLoad(runtime.baseUrl, options.connections, warmSeconds, keywordAt);
      await relayStoredEvents();
      await consumersCaughtUp();
      const result = await searchUnderLoad(runtime.baseUrl, options.connections, options.duration, keywordAt);
      measured.push(stats(result.latencies, result.seconds, result.failed, ads));
    } finally {
      await runtime.stop();
      runtime = undefined;
    }
  }
  const [off, on] = measured;
  if (!off || !on) throw new Error('a scenario did not run');
  return [
    row(`(c) HTTP, ads off, ${options.connections} connections`, off),
    row(`(c) HTTP, ads on, ${options.connections} connections`, on, off, [
      verdict(on.perSecond >= shareTarget * off.perSecond, `>= ${shareTarget * 100}%`),
    ]),
  ];
}

run(async () => {
  const options = readSearchBenchOptions({ duration: 6, connections: 8 });
  useProfile(options.profile.name);
  // Outages are measured on purpose: their warnings (one per search) would bury the figures.
  const { logger } = await import('../shared/logger');
  logger.setLogLevel('ERROR');
  const started = performance.now();
  console.log(`Writing the bench catalog to the ${options.profile.name} stack...`);
  await seedCatalog();
  const { reloadServingCopy } = await import('../shared/ads/serving-copy');
  await reloadServingCopy();
  const lines = await inProcess(options);
  if (!options.skipHttp) lines.push(...(await overHttp(options)));
  const relayed = await relayStoredEvents();
  console.log('');
  console.log(
    [
      'scenario'.padEnd(46),
      'reqs'.padStart(7),
      'req/s'.padStart(7),
      'p50 ms'.padStart(7),
      'p99 ms'.padStart(7),
      'failed'.padStart(6),
      'w/ ads'.padStart(7),
      'ratio'.padStart(8),
      'target',
    ].join('  '),
  );
  for (const line of lines) console.log(line);
  console.log(`\n(w/ ads: answers with a paid ad; over HTTP, whether the first answer had one.)`);
  console.log(
    `Ad events relayed: ${relayed} (by this process). Took ${Math.round((performance.now() - started) / 1000)} s.`,
  );
});
