/**
 * npm run bench:search — search for a keyword, on the seeded demo catalog (npm run seed).
 *
 * (a) The search function invoked in-process (no HTTP), one request at a time, beside a bare
 *     ioredis loop issuing the same Redis reads (the keyword's page of groups, each group's
 *     cheapest offers by the same Lua script, related keywords) in the same run.
 *     Targets: p99 <= 2 ms and >= 50% of the bare loop's requests/s.
 * (b) GET /search through serverless-offline under autocannon (50 connections), beside a bare
 *     node:http server answering the same reads as JSON, measured the same way.
 *
 *   npm run bench:search -- [--profile dev|test] [--requests 5000] [--duration 10] [--connections 50] [--skip-http]
 *
 * The stack must be up and seeded; serverless-offline is started on the profile's API port and
 * stopped at the end.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import Redis from 'ioredis';
import { demoKeywords } from '../scripts/support/demo-catalog';
import { useProfile } from '../scripts/support/profile';
import { startOffline } from '../stack/offline';
import { isProfileName, loadProfile, type ProfileName } from '../stack/profiles';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'dev' },
    requests: { type: 'string', default: '5000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'skip-http': { type: 'boolean', default: false },
  },
});
function profileOption(value: string): ProfileName {
  if (!isProfileName(value)) throw new Error('--profile must be dev or test');
  return value;
}
const profileName = profileOption(values.profile);
useProfile(values.profile);
process.env.LOG_LEVEL = 'ERROR';
const requests = Number(values.requests);
const duration = Number(values.duration);
const connections = Number(values.connections);
const groupsPerPage = 10;
const offersPerGroup = 10;
const relatedShown = 5;
const warmUpSeconds = 5;

interface Stats {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function sequential(count: number, run: (index: number) => Promise<void>): Promise<Stats> {
  const samples = new Array<number>(count);
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const t = performance.now();
    await run(index);
    samples[index] = performance.now() - t;
  }
  const wall = performance.now() - started;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(count - 1, Math.floor(q * count))] ?? 0;
  return { requests: count, perSecond: (count / wall) * 1000, p50: at(0.5), p99: at(0.99), errors: 0 };
}

async function load(url: (index: number) => string, seconds = duration): Promise<Stats> {
  let index = 0;
  const result = await autocannon({
    url: url(0),
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          path: new URL(url(index++)).pathname + new URL(url(index)).search,
        }),
      },
    ],
  });
  return {
    requests: result.requests.total,
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

function line(name: string, stats: Stats, baseline?: Stats, verdicts: string[] = []): string {
  const ratio = baseline
    ? `${((stats.perSecond / baseline.perSecond) * 100).toFixed(0)}% of baseline`
    : 'baseline';
  return [
    name.padEnd(40),
    String(stats.requests).padStart(8),
    `${stats.perSecond.toFixed(0)}/s`.padStart(9),
    `${stats.p50.toFixed(3)} ms`.padStart(11),
    `${stats.p99.toFixed(3)} ms`.padStart(11),
    String(stats.errors).padStart(6),
    ratio.padStart(17),
    ...verdicts,
  ].join('  ');
}

async function main(): Promise<void> {
  const { handler } = await import('../functions/search/by-keyword');
  const { groupKeys, groupOffersScript, keywordEmptyKey, keywordGroupsKey } = await import(
    '../shared/redis/price-cache'
  );
  const { relatedKey } = await import('../shared/redis/keyword-insights');
  const { flushSearchEvents } = await import('../shared/search/search-events');
  const { closeKafka } = await import('../shared/kafka/client');
  const { closeRedis } = await import('../shared/redis/client');
  const { closeDynamo } = await import('../shared/dynamo/client');

  const bare = new Redis(process.env.REDIS_URL ?? '', { lazyConnect: true });
  await bare.connect();
  bare.defineCommand('groupOffers', { numberOfKeys: 1, lua: groupOffersScript });
  const counts = await Promise.all(demoKeywords.map((keyword) => bare.zcard(keywordGroupsKey(keyword))));
  const keywords = demoKeywords.filter((_, index) => (counts[index] ?? 0) > 0);
  if (keywords.length < demoKeywords.length) {
    console.error(
      'The demo catalog is not (fully) in Redis: run `npm run seed` (or `npm run cache:rebuild`) first.',
    );
    process.exit(1);
  }
  const groupsPerKeyword = counts.reduce((sum, count) => sum + (count ?? 0), 0) / counts.length;
  const keywordAt = (index: number) => keywords[index % keywords.length] as string;

  /** The reads of one cached search, as the search function issues them, answered as its JSON. */
  async function bareSearch(keyword: string): Promise<string> {
    const key = keywordGroupsKey(keyword);
    const [replies, related] = await Promise.all([
      bare
        .pipeline()
        .zrange(key, 0, groupsPerPage - 1, 'WITHSCORES')
        .zcard(key)
        .exists(keywordEmptyKey(keyword))
        .exec(),
      bare.zrange(relatedKey(keyword), 0, relatedShown - 1, 'REV'),
    ]);
    const page = (replies?.[0]?.[1] ?? []) as string[];
    const pipeline = bare.pipeline() as unknown as {
      groupOffers: (...args: unknown[]) => void;
      exec: () => Promise<[Error | null, unknown][] | null>;
    };
    for (let index = 0; index < page.length; index += 2) {
      const keys = groupKeys(page[index] as string);
      pipeline.groupOffers(keys.offers, keys.offerPrefix, 0, offersPerGroup);
    }
    const groups = await pipeline.exec();
    return JSON.stringify({ keyword, groups: groups?.map(([, value]) => value), related });
  }

  const context = {
    awsRequestId: 'bench',
    functionName: 'search-by-keyword',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
  const event = (keyword: string) =>
    ({
      httpMethod: 'GET',
      path: '/search',
      resource: '/search',
      headers: { 'x-session-id': 'bench-session' },
      multiValueHeaders: {},
      pathParameters: null,
      queryStringParameters: { q: keyword },
      multiValueQueryStringParameters: null,
      stageVariables: null,
      isBase64Encoded: false,
      body: null,
      requestContext: { requestId: randomUUID(), identity: { sourceIp: '127.0.0.1' } },
    }) as unknown as APIGatewayProxyEvent;
  let failures = 0;
  const search = async (index: number) => {
    const answer = (await handler(event(keywordAt(index)), context)) as APIGatewayProxyResult;
    if (answer.statusCode !== 200 || !answer.body.includes('"source":"cache"')) failures += 1;
  };

  // Warm-up: connections, scripts loaded, JIT.
  for (let index = 0; index < 1_000; index += 1) {
    await search(index);
    await bareSearch(keywordAt(index));
  }
  const bareLoop = await sequential(requests, (index) => bareSearch(keywordAt(index)).then(() => undefined));
  const inProcess = await sequential(requests, search);
  inProcess.errors = failures;
  await flushSearchEvents();

  const rows = [
    `catalog: ${counts.length} demo keywords, ${groupsPerKeyword.toFixed(0)} groups each on average; ${groupsPerPage} groups x ${offersPerGroup} offers per answer; profile ${values.profile}`,
    [
      'scenario'.padEnd(40),
      'requests'.padStart(8),
      'rate'.padStart(9),
      'p50'.padStart(11),
      'p99'.padStart(11),
      'errors'.padStart(6),
      'ratio'.padStart(17),
    ].join('  '),
    line('(a) bare ioredis loop, same reads', bareLoop),
    line('(a) search function in-process', inProcess, bareLoop, [
      inProcess.p99 <= 2 ? 'PASS p99 <= 2 ms' : 'MISS p99 > 2 ms',
      inProcess.perSecond >= bareLoop.perSecond / 2 ? 'PASS >= 50%' : 'MISS < 50%',
    ]),
  ];

  if (!values['skip-http']) {
    const server = createServer((request, response) => {
      const keyword = new URL(request.url ?? '/', 'http://localhost').searchParams.get('q') ?? '';
      bareSearch(keyword).then(
        (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(body),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const bareHttp = await load(
      (index) => `http://127.0.0.1:${port}/search?q=${encodeURIComponent(keywordAt(index))}`,
    );
    server.close();

    const api = await startOffline(loadProfile(profileName));
    try {
      const base = `${api.baseUrl}/search?q=`;
      // The first round at full concurrency pays the functions' cold starts and is not measured.
      await load((index) => `${base}${encodeURIComponent(keywordAt(index))}`, warmUpSeconds);
      const offlineHttp = await load((index) => `${base}${encodeURIComponent(keywordAt(index))}`);
      rows.push(line(`(b) bare node:http, ${connections} connections`, bareHttp));
      rows.push(line('(b) GET /search via serverless-offline', offlineHttp, bareHttp));
    } finally {
      await api.stop();
    }
  }

  console.log(rows.join('\n'));
  bare.disconnect();
  await closeKafka();
  await closeRedis();
  closeDynamo();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
