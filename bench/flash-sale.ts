/**
 * npm run bench:flash-sale — the start of a flash-sale promotion, through HTTP on the local Lambda
 * runtime (`serverless local-lambda`, stack/lambda: each function in containers of its own, at most
 * its reserved concurrency at once, 429 beyond it; its schedules and Kafka triggers too), started
 * and stopped here.
 *
 * Set up in-process: N buyers (--buyers, default 2,000) with their access tokens, an admin token,
 * one seller's offer of M units (--units, default 100) at its list price, put in the price cache at
 * once, and 50 background product groups under the keyword searched when the demo catalog is not
 * seeded. The promotion is created through HTTP (PUT /promotions/{id}, as an admin): 30% off the
 * offer's product group, M units in all and one per member, starting 10 s into the scenario.
 *
 * The scenario, open loop (every send time fixed beforehand) for --seconds (default 40):
 * GET /search at --base-rate (default 20/s) for 10 s; at the promotion start it ramps to 10 times
 * that over 3 s and holds. Visitors open the flash offer's product group (GET /groups/{id}/offers,
 * the price comparison) at a tenth of the search rate. Over the 3 s of the ramp the N buyers arrive
 * and order one unit each (POST /orders), one in ten double-clicking (the same request, same
 * Idempotency-Key, twice at once). A buyer's client retries an order answered 429 (beyond
 * place-order's concurrency) with the same Idempotency-Key after a short backoff, as a client
 * retries API Gateway's throttling; the order's latency runs from its first send to its final answer.
 *
 * Every request is recorded (planned send time, kind, status, latency, retries) into
 * bench/reports/flash-sale-<time>.json, with an .html beside it charting each second: request
 * rate, p50/p99 latency, error (5xx, no answer) and 429 rates by kind, and beside each kind's
 * latency its function's containers, busy containers and throttles, from the runtime's
 * GET /local/stats (lambda port) taken once a second. Then checked, each PASS or FAIL (the exit code
 * is 1 on any FAIL), against what the stores and the runtime say rather than what the answers said:
 * no oversell, no 5xx, every request answered, order p99 <= 1 s, search beyond its concurrency
 * answered 429 (never 5xx), every paid order charged the promotional price, no duplicate charge,
 * the promotion's unitsSold, and the analytics promotion totals (read through HTTP until they match
 * the orders, at most 60 s). At the end it prints each function's containers, cold starts with
 * their init p50/max, invocations and throttles.
 *
 *   npm run bench:flash-sale -- [--buyers 2000] [--units 100] [--profile dev|test] [--seconds 40] [--base-rate 20] [--warm] [--connections 256]
 *
 * --warm starts the containers of search, group offers and place-order up to their concurrency
 * before the scenario (requests that are refused before any work: an order without a body), as
 * Lambda keeps environments of a busy service warm; without it they start in the scenario, on
 * demand, and a cold start here (a Node process loading its bundle on a shared machine) takes
 * seconds, not Lambda's few hundred milliseconds.
 *
 * The profile's stack must be up (npm run stack -- up) and its API and lambda ports free.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { inParallel } from '../scripts/support/parallel';
import { useProfile } from '../scripts/support/profile';
import { run } from '../scripts/support/run';
import type { Offer, OfferInput } from '../shared/domain/catalog';
import type { OrderItem } from '../shared/domain/order';
import {
  type PromotionDiscount,
  type promotionInputSchema,
  unitDiscountOf,
} from '../shared/domain/promotion';
import { logger } from '../shared/logger';
import { type OfflineApi, startOffline } from '../stack/offline';
import { isProfileName, loadProfile, type StackProfile } from '../stack/profiles';
import { rampSchedule, spreadEvenly } from './support/load-schedule';
import { portAnswers } from './support/port-answers';
import {
  functionTimelines,
  type KindStats,
  kindStats,
  type PoolFigures,
  percentile,
  type RequestKind,
  type RequestSample,
  requestKinds,
  type StatsSnapshot,
  timelineBuckets,
  timelineHtml,
} from './support/timeline-report';

// Every visitor's search comes from 127.0.0.1 here, where a real sale's come from thousands of
// addresses: lift the per-address limit, which would answer half the searches at the peak with 429
// and cap what reaches search. Buyers are signed in and keep the per-member limit of production.
process.env.RATE_LIMITS ??= 'anonymous:1000000/1000000';

interface Options {
  buyers: number;
  units: number;
  profile: StackProfile;
  seconds: number;
  baseRate: number;
  /** Start the containers of search, group offers and place-order up to their limits before the scenario. */
  warm: boolean;
  /** Connections to the gateway the buyers and visitors share. */
  connections: number;
}

/** Search at the base rate this long before the promotion starts. */
const beforeStartS = 10;
/** The search rate climbs to its peak, and the buyers arrive, over this long after the start. */
const rampS = 3;
const peakFactor = 10;
const listPrice = 9_900;
const discount = { kind: 'percent', percent: 30 } as const satisfies PromotionDiscount;
const flashKeyword = 'flash sale';
/** A common keyword of the demo catalog (npm run seed), searched when it is seeded. */
const demoKeyword = 'earphones';
/** Product groups listed under the flash keyword when the demo catalog is not seeded. */
const backgroundGroups = 50;
/** A request without an answer by then counts as no answer (status 0). */
const answerTimeoutMs = 30_000;
/** The order p99 the sale must keep, retries included, while search climbs to 10 times its rate. */
const orderP99TargetMs = 1_000;
/** A throttled order is sent again after base * 2^retry ms (half to all of it, at random), capped. */
const retryBaseMs = 50;
const retryCapMs = 1_000;
/** Retries of one order before its client gives up and shows the 429. */
const maxRetries = 10;
/** Visitors opening the flash group's offers, as a share of the search rate. */
const offersShare = 0.1;
/** How often the runtime's GET /local/stats is read during the scenario. */
const statsEveryMs = 1_000;
/** The functions behind each kind of request, by their name without the service and stage. */
const functionOfKind: Record<RequestKind, string> = {
  search: 'search-by-keyword',
  offers: 'search-group-offers',
  order: 'checkout-place-order',
};
const analyticsWaitMs = 60_000;
/** The longest the benchmark waits for the consumers to work off what earlier runs left. */
const catchUpMs = 15_000;
/** Time to create the promotion between planning the scenario and its first request. */
const leadMs = 3_000;

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      buyers: { type: 'string', default: '2000' },
      units: { type: 'string', default: '100' },
      profile: { type: 'string', default: 'dev' },
      seconds: { type: 'string', default: '40' },
      'base-rate': { type: 'string', default: '20' },
      warm: { type: 'boolean', default: false },
      connections: { type: 'string', default: String(defaultConnections) },
    },
  });
  if (!isProfileName(values.profile)) throw new Error('--profile must be dev, test or cluster');
  const atLeast = (name: string, value: string, least: number) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < least) throw new Error(`--${name} must be a number >= ${least}`);
    return number;
  };
  return {
    buyers: Math.round(atLeast('buyers', values.buyers, 1)),
    units: Math.round(atLeast('units', values.units, 1)),
    profile: loadProfile(values.profile),
    // The promotion start, the ramp and a few seconds at the peak.
    seconds: atLeast('seconds', values.seconds, beforeStartS + rampS + 2),
    baseRate: atLeast('base-rate', values['base-rate'], 0.1),
    warm: values.warm,
    connections: Math.round(atLeast('connections', values.connections, 1)),
  };
}

/** What Ctrl-C or a kill must stop before the process ends (the runtime runs detached). */
const stopOnSignal = new Set<() => Promise<void>>();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping what the benchmark started...`);
    Promise.allSettled([...stopOnSignal].map((stop) => stop())).finally(() => process.exit(130));
  });
}

interface Answer {
  status: number;
  body: string;
  /** Why no answer came (status 0): ECONNREFUSED, ECONNRESET, timeout... */
  failure?: string;
}

interface Call {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  agent?: Agent;
}

/**
 * Connections the buyers and visitors share, as the clients of many visitors reach API Gateway's
 * edge over connections kept alive. The local gateway is one Node server in the runtime's process
 * (Node's accept backlog of 511): opening a connection per request, 2,200 orders within 3 s on top
 * of the searches would measure the kernel's accept queue on a busy machine, which API Gateway
 * does not have. A request waiting for a connection waits on the clock: its latency counts from its
 * planned send time. The pool is also the client's limit: once throttled orders are retried, the
 * answers wait for a connection longer than for the functions (--connections sets its size).
 */
const defaultConnections = 256;
// Free sockets are closed after 2 s idle, well before the gateway's keep-alive timeout (65 s).
const agent = new Agent({ keepAlive: true, timeout: 2_000, maxSockets: defaultConnections });
/** The stats requests go on a connection of their own, never behind the scenario's. */
const statsAgent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One HTTP request; always settles, with the answer or with status 0 (no connection, reset, or no
 * answer within `answerTimeoutMs`). The timer holds the request, so a request the transport loses
 * still ends instead of leaving the scenario waiting forever.
 */
function call(
  url: string,
  { method = 'GET', headers = {}, body, agent: via = agent }: Call = {},
): Promise<Answer> {
  return new Promise((resolve) => {
    let settled = false;
    let answered = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const failed = (failure: string) => settle({ status: 0, body: '', failure });
    const sent = request(
      url,
      {
        method,
        agent: via,
        headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          settle({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        response.on('error', (error: NodeJS.ErrnoException) => failed(error.code ?? error.name));
        response.on('close', () => failed('closed before the answer ended'));
      },
    );
    const timer = setTimeout(() => {
      failed('timeout');
      sent.destroy();
    }, answerTimeoutMs);
    sent.on('error', (error: NodeJS.ErrnoException) => failed(error.code ?? error.name));
    sent.on('close', () => answered || failed('closed without an answer'));
    sent.end(body);
  });
}

const won = (amount: number) => amount.toLocaleString('en');
const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);
const add = <K>(counts: Map<K, number>, key: K) => counts.set(key, (counts.get(key) ?? 0) + 1);

interface Buyer {
  memberId: string;
  token: string;
}

async function createBuyers(run: string, count: number): Promise<Buyer[]> {
  const { hashPassword } = await import('../shared/auth/password');
  const { issueAccessToken } = await import('../shared/auth');
  const { createMember } = await import('../shared/dynamo/member-store');
  const passwordHash = await hashPassword(randomUUID());
  const now = new Date().toISOString();
  const indexes = Array.from({ length: count }, (_, index) => index);
  const memberId = (index: number) => `fs-${run}-${index}`;
  await inParallel(indexes, 16, (index) =>
    createMember({
      memberId: memberId(index),
      email: `buyer-${run}-${index}@example.com`,
      name: 'Buyer',
      birthYear: 1970 + (index % 40),
      gender: index % 2 ? 'female' : 'male',
      region: 'seoul',
      roles: ['member'],
      passwordHash,
      createdAt: now,
      updatedAt: now,
      version: 1,
    }),
  );
  return Promise.all(
    indexes.map(async (index) => ({
      memberId: memberId(index),
      token: (await issueAccessToken({ memberId: memberId(index), roles: ['member'] })).token,
    })),
  );
}

interface Listing {
  offer: Offer;
  /** The keyword the search traffic asks for; the flash offer carries it. */
  keyword: string;
  catalog: string;
}

/**
 * The flash offer, written like a seller's change and put in the price cache at once (the cache
 * updater applies its catalog event later, to no effect). Search asks for a demo keyword when the
 * demo catalog is seeded, else for the flash keyword, under which background groups are listed
 * first if fewer than `backgroundGroups` are.
 */
async function listOffers(run: string, units: number): Promise<Listing> {
  const { connectedRedis } = await import('../shared/redis/client');
  const { applyOffer } = await import('../shared/redis/price-cache');
  const { keywordGroupsKey } = await import('../shared/redis/keys');
  const { upsertOffer } = await import('../shared/catalog/offers');
  const { findOffer } = await import('../shared/dynamo/offer-store');
  const redis = await connectedRedis().catch(() => undefined);
  if (redis?.status !== 'ready') {
    throw new Error(
      `Redis is not reachable on ${process.env.REDIS_URL}: start the stack (npm run stack -- up).`,
    );
  }
  const seeded = (await redis.zcard(keywordGroupsKey(demoKeyword))) >= backgroundGroups;
  const keyword = seeded ? demoKeyword : flashKeyword;
  let catalog = `the demo catalog's "${keyword}"`;
  if (!seeded) {
    const listed = await redis.zcard(keywordGroupsKey(flashKeyword));
    if (listed < backgroundGroups) {
      const numbers = Array.from({ length: backgroundGroups }, (_, index) => index + 1);
      await inParallel(numbers, 8, async (number) => {
        const id = `flash-bg-${String(number).padStart(2, '0')}`;
        // Listed by an earlier run whose cache entries are gone: replaced at its stored version.
        const stored = await findOffer(id);
        const expectedVersion = stored && !stored.removed ? stored.version : undefined;
        const { offer } = await upsertOffer(
          'seller-flash-bg',
          id,
          {
            groupId: id,
            sku: `BG-${number}`,
            title: `Background item ${number}`,
            keywords: [flashKeyword],
            category: 'electronics',
            price: 12_000 + number * 1_000,
            shippingFee: number % 3 === 0 ? 0 : 2_500,
            stock: 1_000_000,
            unitCost: 8_000,
            url: `https://seller.example/background/${number}`,
          },
          { expectedVersion },
        );
        await applyOffer(offer);
      });
    }
    catalog = `${Math.max(listed, backgroundGroups)} product groups under "${keyword}"`;
  }
  const input: OfferInput = {
    groupId: `flash-${run}`,
    sku: 'FLASH-1',
    title: 'Flash sale item',
    keywords: [...new Set([flashKeyword, keyword])],
    category: 'electronics',
    price: listPrice,
    shippingFee: 0,
    stock: units,
    unitCost: 6_000,
    url: 'https://seller.example/flash',
  };
  const { offer } = await upsertOffer(`seller-${run}`, `flash-${run}`, input);
  await applyOffer(offer);
  return { offer, keyword, catalog };
}

/** One flash sale: what was set up for it, and how to reach the API. */
interface Sale {
  run: string;
  options: Options;
  api: OfflineApi;
  adminHeaders: Record<string, string>;
  listing: Listing;
  promotionId: string;
  unitDiscount: number;
  /** What a buyer pays for one unit under the promotion, shipping included. */
  promotionalPrice: number;
  /** The service's name, which the runtime's function names begin with. */
  service: string;
}

type Shown = 'promotional' | 'list' | 'absent';

/** How a search answer showed the flash offer: at the promotional price, at its list price, or not. */
function flashOfferIn(body: string, sale: Sale): Shown {
  const answer = JSON.parse(body) as {
    groups: { offers: { offerId: string; discount: number; promotionId: string | null }[] }[];
  };
  const found = answer.groups
    .flatMap((group) => group.offers)
    .find((shown) => shown.offerId === sale.listing.offer.offerId);
  if (!found) return 'absent';
  return found.promotionId === sale.promotionId && found.discount > 0 ? 'promotional' : 'list';
}

interface Planned {
  atMs: number;
  send: (atMs: number) => Promise<void>;
}

/**
 * Sends each planned request at its time from `origin` (performance.now() clock), without waiting
 * for answers; resolves once every answer came. Returns how late the latest send was.
 */
async function runPlan(plan: readonly Planned[], origin: number): Promise<number> {
  const answers: Promise<void>[] = [];
  let latest = 0;
  let next = 0;
  await sleep(Math.max(0, origin - performance.now()));
  while (next < plan.length && !interrupted) {
    const now = performance.now() - origin;
    for (let due = plan[next]; due && due.atMs <= now; due = plan[++next]) {
      latest = Math.max(latest, now - due.atMs);
      answers.push(due.send(due.atMs));
    }
    const upcoming = plan[next];
    if (upcoming) await sleep(Math.max(0, upcoming.atMs - (performance.now() - origin)));
  }
  await Promise.all(answers);
  return latest;
}

interface Recorded {
  samples: RequestSample[];
  statuses: Record<RequestKind, Map<number, number>>;
  /** Requests without an answer, by why. */
  noAnswer: Map<string, number>;
  /**
   * Search answers by how they showed the flash offer (`before promotional`...): answered before
   * the start, sent after it, or `across` it (the server read its clock somewhere in between).
   */
  shown: Map<string, number>;
  lateMs: number;
  /** Orders answered 429 and sent again, in all; orders that were; orders whose client gave up. */
  retries: number;
  ordersRetried: number;
  gaveUp: number;
  /** The runtime's GET /local/stats, about once a second from the scenario's start to its last answer. */
  stats: StatsSnapshot[];
}

/** The runtime's pools as GET /local/stats answers them; undefined when it did not answer 200. */
async function poolStats(sale: Sale): Promise<Record<string, PoolFigures> | undefined> {
  const answer = await call(`http://127.0.0.1:${sale.options.profile.lambdaPort}/local/stats`, {
    agent: statsAgent,
  });
  return answer.status === 200 ? (JSON.parse(answer.body) as Record<string, PoolFigures>) : undefined;
}

/** Reads GET /local/stats every `statsEveryMs` from `origin` until `stop` is called. */
function sampleStats(sale: Sale, origin: number): { stop: () => Promise<StatsSnapshot[]> } {
  const snapshots: StatsSnapshot[] = [];
  let stopped = false;
  const loop = (async () => {
    await sleep(Math.max(0, origin - performance.now()));
    for (let tick = 0; !stopped && !interrupted; tick += 1) {
      const functions = await poolStats(sale);
      if (functions) snapshots.push({ atMs: Math.round(performance.now() - origin), functions });
      await sleep(Math.max(0, origin + (tick + 1) * statsEveryMs - performance.now()));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      // One more, so the last second of the scenario has its end.
      const functions = await poolStats(sale);
      if (functions) snapshots.push({ atMs: Math.round(performance.now() - origin), functions });
      return snapshots;
    },
  };
}

/** The stats key of a function (`peakcart-dev-search-by-keyword`), by its name in serverless.yml. */
const statsKey = (sale: Sale, name: string) => `${sale.service}-${sale.options.profile.stage}-${name}`;

/** The scenario, from `origin` (performance.now() clock): search at a rising rate, buyers at the start. */
async function runScenario(sale: Sale, buyers: readonly Buyer[], origin: number): Promise<Recorded> {
  const { api, listing, run } = sale;
  const { baseRate, seconds } = sale.options;
  const recorded: Recorded = {
    samples: [],
    statuses: { search: new Map(), offers: new Map(), order: new Map() },
    noAnswer: new Map(),
    shown: new Map(),
    lateMs: 0,
    retries: 0,
    ordersRetried: 0,
    gaveUp: 0,
    stats: [],
  };
  const startMs = beforeStartS * 1_000;
  // Latency counts from the planned send time: a send the generator made late, or a request that
  // waited for a connection, is slower for whoever sent it.
  const timed = async (kind: RequestKind, atMs: number, url: string, init?: Call, retries = 0) => {
    let answer = await call(url, init);
    // A buyer's client sends a throttled order again, same request and key, after a backoff.
    let retried = 0;
    for (; answer.status === 429 && retried < retries && !interrupted; retried += 1) {
      const backoff = Math.min(retryCapMs, retryBaseMs * 2 ** retried);
      await sleep(backoff / 2 + (Math.random() * backoff) / 2);
      answer = await call(url, init);
    }
    if (retried > 0) {
      recorded.retries += retried;
      recorded.ordersRetried += 1;
      if (answer.status === 429) recorded.gaveUp += 1;
    }
    const answeredMs = performance.now() - origin;
    recorded.samples.push({
      atMs: Math.round(atMs * 10) / 10,
      kind,
      status: answer.status,
      latencyMs: Math.round((answeredMs - atMs) * 10) / 10,
      ...(retried > 0 ? { retries: retried } : {}),
    });
    add(recorded.statuses[kind], answer.status);
    if (answer.failure) add(recorded.noAnswer, answer.failure);
    return { answer, answeredMs };
  };
  const searchUrl = `${api.baseUrl}/search?q=${encodeURIComponent(listing.keyword)}`;
  const search = async (atMs: number) => {
    const { answer, answeredMs } = await timed('search', atMs, searchUrl);
    if (answer.status !== 200) return;
    const phase = answeredMs < startMs ? 'before' : atMs >= startMs ? 'after' : 'across';
    add(recorded.shown, `${phase} ${flashOfferIn(answer.body, sale)}`);
  };
  const body = JSON.stringify({
    items: [{ offerId: listing.offer.offerId, quantity: 1 }],
    shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '04524', line1: 'Seoul' },
    payment: { method: 'card', cardNumber: '4242424242424242', expiryMonth: 12, expiryYear: 2030 },
  });
  const order = (buyer: Buyer, key: string) => async (atMs: number) => {
    const init = {
      method: 'POST',
      headers: {
        authorization: `Bearer ${buyer.token}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body,
    };
    await timed('order', atMs, `${api.baseUrl}/orders`, init, maxRetries);
  };
  const offersUrl = `${api.baseUrl}/groups/${encodeURIComponent(listing.offer.groupId)}/offers`;
  const offers = async (atMs: number) => {
    await timed('offers', atMs, offersUrl);
  };
  const searchesAt = rampSchedule({
    baseRate,
    peakRate: baseRate * peakFactor,
    rampStartS: beforeStartS,
    rampS,
    endS: seconds,
  });
  const offersAt = rampSchedule({
    baseRate: baseRate * offersShare,
    peakRate: baseRate * offersShare * peakFactor,
    rampStartS: beforeStartS,
    rampS,
    endS: seconds,
  });
  const buyersAt = spreadEvenly(buyers.length, beforeStartS, rampS);
  const plan: Planned[] = [
    ...searchesAt.map((atMs) => ({ atMs, send: search })),
    ...offersAt.map((atMs) => ({ atMs, send: offers })),
    ...buyers.flatMap((buyer, index) => {
      const planned = { atMs: buyersAt[index] ?? startMs, send: order(buyer, `flash-${run}-${index}`) };
      // One in ten double-clicks: the same request twice at once.
      return index % 10 === 0 ? [planned, planned] : [planned];
    }),
  ].sort((a, b) => a.atMs - b.atMs);
  console.log(
    `scenario: ${plan.length} requests over ${seconds} s, ${searchesAt.length} of them searches, ${offersAt.length} views of the flash group...`,
  );
  const sampler = sampleStats(sale, origin);
  try {
    recorded.lateMs = await runPlan(plan, origin);
  } finally {
    recorded.stats = await sampler.stop();
  }
  return recorded;
}

interface PlacedOrder {
  orderId: string;
  memberId: string;
  paid: boolean;
  items: OrderItem[];
  /** The payment captured for it, if any. */
  captured?: number;
}

/** What the stores say of the sale, not what the answers said. */
async function whatStoresSay(sale: Sale, buyers: readonly Buyer[]) {
  const { findOffer } = await import('../shared/dynamo/offer-store');
  const { ordersOfBuyer } = await import('../shared/dynamo/order-store');
  const { sandbox } = await import('../shared/payments/sandbox');
  const left = (await findOffer(sale.listing.offer.offerId))?.stock ?? Number.NaN;
  const placed: PlacedOrder[] = [];
  await inParallel(buyers, 16, async ({ memberId }) => {
    // Each buyer's account is new: every order of it is one of this sale's.
    const { orders } = await ordersOfBuyer(memberId, 10);
    for (const found of orders)
      placed.push({ orderId: found.orderId, memberId, paid: found.status === 'paid', items: found.items });
  });
  await inParallel(placed, 16, async (found) => {
    const payment = await sandbox.find(found.orderId);
    if (payment?.state === 'captured') found.captured = payment.amount;
  });
  const paid = placed.filter((found) => found.paid);
  const lines = paid.flatMap((found) => found.items);
  const chargesOf = new Map<string, number>();
  for (const found of placed) if (found.captured !== undefined) add(chargesOf, found.memberId);
  const { offer } = sale.listing;
  return {
    left,
    sold: sale.options.units - left,
    placed: placed.length,
    paid: paid.length,
    /** The orders' figures as the promotions report should count them. */
    expected: {
      orders: paid.length,
      units: lines.reduce((sum, line) => sum + line.quantity, 0),
      revenue: lines.reduce((sum, line) => sum + (line.unitPrice - line.unitDiscount) * line.quantity, 0),
      discount: lines.reduce((sum, line) => sum + line.unitDiscount * line.quantity, 0),
    },
    wronglyPriced: paid.filter(
      (found) =>
        found.captured !== sale.promotionalPrice ||
        found.items.some(
          (line) =>
            line.offerId !== offer.offerId ||
            line.unitPrice !== listPrice ||
            line.unitDiscount !== sale.unitDiscount ||
            line.promotionId !== sale.promotionId,
        ),
    ).length,
    charges: [...chargesOf.values()].reduce((sum, count) => sum + count, 0),
    chargedTwice: [...chargesOf.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0),
  };
}

type StoreFigures = Awaited<ReturnType<typeof whatStoresSay>>;

/**
 * The promotion's totals in GET /analytics/promotions, asked every second until they equal
 * `expected` or `analyticsWaitMs` has passed (the consumers count from Kafka, eventually).
 * `seconds` is the time from `lastAnswer` (the scenario's) to the last look.
 */
async function analyticsTotals(sale: Sale, from: Date, expected: Record<string, number>, lastAnswer: number) {
  const started = Date.now();
  let totals: Record<string, number> | undefined;
  let status = 0;
  const matches = () =>
    totals !== undefined && Object.entries(expected).every(([field, value]) => totals?.[field] === value);
  while (!interrupted) {
    const range = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(new Date().toISOString())}`;
    const answer = await call(
      `${sale.api.baseUrl}/analytics/promotions?granularity=hour&groupBy=promotion&limit=100&${range}`,
      { headers: sale.adminHeaders },
    );
    status = answer.status;
    if (status === 200) {
      const { series } = JSON.parse(answer.body) as {
        series: { key: string; totals: Record<string, number> }[];
      };
      totals = series.find((entry) => entry.key === sale.promotionId)?.totals;
    }
    if (matches() || Date.now() - started >= analyticsWaitMs) break;
    await sleep(1_000);
  }
  return { totals, status, matched: matches(), seconds: (Date.now() - lastAnswer) / 1_000 };
}

interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

/** What the runtime's pool of a function did over the scenario, from the first to the last snapshot. */
function poolOver(sale: Sale, stats: readonly StatsSnapshot[], name: string) {
  const key = statsKey(sale, name);
  const first = stats[0]?.functions[key];
  const last = stats.at(-1)?.functions[key];
  const over = (figure: (pool: PoolFigures) => number) =>
    Math.max(0, ...stats.map((snapshot) => figure(snapshot.functions[key] ?? ({} as PoolFigures)) || 0));
  return {
    limit: last?.limit ?? 0,
    throttles: (last?.throttles ?? 0) - (first?.throttles ?? 0),
    invocations: (last?.invocations ?? 0) - (first?.invocations ?? 0),
    coldStarts: (last?.coldStarts ?? 0) - (first?.coldStarts ?? 0),
    peakContainers: over((pool) => pool.containers),
    peakBusy: over((pool) => pool.busy),
  };
}

function checksOf(
  sale: Sale,
  recorded: Recorded,
  stores: StoreFigures,
  summary: Record<RequestKind, KindStats>,
  unitsSold: { value?: number; status: number },
  analytics: Awaited<ReturnType<typeof analyticsTotals>>,
): Check[] {
  const { units } = sale.options;
  const { sold, left, expected } = stores;
  const countOf = (kind: RequestKind, which: (status: number) => boolean) =>
    [...recorded.statuses[kind]]
      .filter(([status]) => which(status))
      .reduce((sum, [, count]) => sum + count, 0);
  const is5xx = (status: number) => status >= 500;
  const listOf = (which: (status: number) => boolean) =>
    requestKinds.flatMap((kind) =>
      [...recorded.statuses[kind]]
        .filter(([status]) => which(status))
        .map(([status, count]) => `${kind} ${status}: ${count}`),
    );
  const failures = listOf(is5xx);
  const unanswered = requestKinds.reduce((sum, kind) => sum + countOf(kind, (status) => status === 0), 0);
  const search = poolOver(sale, recorded.stats, functionOfKind.search);
  const search429 = countOf('search', (status) => status === 429);
  const search5xx = countOf('search', is5xx);
  // A search whose client gave up (no answer in time) may have been throttled after it did.
  const searchUnanswered = countOf('search', (status) => status === 0);
  const orderP99 = summary.order.p99Ms;
  const figures = (values: Record<string, number> | undefined) =>
    values === undefined
      ? 'no series for the promotion'
      : Object.keys(expected)
          .map((field) => `${field} ${won(values[field] ?? 0)}`)
          .join(', ');
  return [
    {
      name: 'oversell',
      pass: sold === expected.units && sold <= units,
      detail: `${sold} units taken from the stock (${left} of ${units} left), ${expected.units} in paid orders: oversold ${Math.max(0, sold - units, expected.units - units)}`,
    },
    {
      name: 'no 5xx',
      pass: failures.length === 0,
      detail: requestKinds
        .map((kind) => `${kind} ${countOf(kind, is5xx)}`)
        .join(', ')
        .concat(failures.length > 0 ? ` (${failures.join(', ')})` : ''),
    },
    {
      name: 'every request answered',
      pass: unanswered === 0,
      detail: `${unanswered} without an answer (refused, reset, or nothing within ${answerTimeoutMs / 1_000} s)${recorded.noAnswer.size > 0 ? `: ${[...recorded.noAnswer].map(([why, count]) => `${why} ${count}`).join(', ')}` : ''}`,
    },
    {
      name: `order p99 <= ${orderP99TargetMs} ms`,
      pass: orderP99 !== null && orderP99 <= orderP99TargetMs,
      detail: `p99 ${ms(orderP99)}, p50 ${ms(summary.order.p50Ms)}, from the first send to the final answer, ${recorded.retries} retries of ${recorded.ordersRetried} throttled orders included (${recorded.gaveUp} gave up at 429), while search climbed to ${sale.options.baseRate * peakFactor}/s`,
    },
    {
      name: 'search beyond its cap: 429',
      pass:
        search5xx === 0 && search429 <= search.throttles && search.throttles <= search429 + searchUnanswered,
      detail: `${search429} searches answered 429, ${search.throttles} throttled by the runtime (limit ${search.limit}, at most ${search.peakBusy} busy of ${search.peakContainers} containers in the samples), ${searchUnanswered} without an answer, ${search5xx} answered 5xx${search.throttles === 0 ? '; search never reached its cap' : ''}`,
    },
    {
      name: 'promotional price charged',
      pass: stores.paid > 0 && stores.wronglyPriced === 0,
      detail: `${stores.paid - stores.wronglyPriced} of ${stores.paid} paid orders at ${won(listPrice)} less ${won(sale.unitDiscount)} under ${sale.promotionId}, ${won(sale.promotionalPrice)} captured`,
    },
    {
      name: 'duplicate charges',
      pass: stores.chargedTwice === 0 && stores.charges === stores.paid,
      detail: `${stores.chargedTwice} buyers charged twice; ${stores.charges} charges for ${stores.paid} paid orders`,
    },
    {
      name: 'promotion unitsSold',
      pass: unitsSold.value === sold,
      detail: `GET /promotions/${sale.promotionId}: ${unitsSold.value ?? `answered ${unitsSold.status}`}; ${sold} units sold`,
    },
    {
      name: 'analytics promotion totals',
      pass: analytics.matched,
      detail: `${analytics.seconds.toFixed(1)} s after the last answer: ${analytics.status === 200 ? figures(analytics.totals) : `answered ${analytics.status}`}; the orders: ${figures(expected)}`,
    },
  ];
}

/** Writes the JSON and HTML reports; returns their paths without the extension. */
function writeReports(
  sale: Sale,
  startsAt: Date,
  recorded: Recorded,
  stores: StoreFigures,
  summary: Record<RequestKind, KindStats>,
  checks: Check[],
): string {
  const { buyers, units, profile, seconds, baseRate } = sale.options;
  const { offer, keyword, catalog } = sale.listing;
  const promotionStart = new Date(startsAt.getTime() + beforeStartS * 1_000);
  const buckets = timelineBuckets(recorded.samples, 1_000, seconds * 1_000);
  const kindOfStatsKey = new Map(
    requestKinds.map((kind) => [statsKey(sale, functionOfKind[kind]), kind] as const),
  );
  const functions = functionTimelines(recorded.stats, (name) => kindOfStatsKey.get(name));
  const report = {
    run: sale.run,
    startedAt: startsAt.toISOString(),
    options: { buyers, units, profile: profile.name, seconds, baseRate, warm: sale.options.warm },
    scenario: {
      keyword,
      catalog,
      beforeStartS,
      rampS,
      peakRate: baseRate * peakFactor,
      offerId: offer.offerId,
      listPrice,
      promotionId: sale.promotionId,
      promotionStart: promotionStart.toISOString(),
      discount,
      unitDiscount: sale.unitDiscount,
      apiConnections: sale.options.connections,
      offersShare,
      retry: { baseMs: retryBaseMs, capMs: retryCapMs, maxRetries },
      sendsLateByMs: Math.round(recorded.lateMs),
    },
    summary: {
      ...summary,
      statuses: Object.fromEntries(
        requestKinds.map((kind) => [kind, Object.fromEntries(recorded.statuses[kind])]),
      ),
      noAnswer: Object.fromEntries(recorded.noAnswer),
      retries: recorded.retries,
      ordersRetried: recorded.ordersRetried,
      gaveUp: recorded.gaveUp,
      ordersPaid: stores.paid,
      unitsSold: stores.sold,
    },
    checks,
    buckets,
    functions,
    stats: recorded.stats,
    samples: recorded.samples,
  };
  const folder = path.join(__dirname, 'reports');
  mkdirSync(folder, { recursive: true });
  const base = path.join(folder, `flash-sale-${report.startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(report)}\n`);
  const throttled = requestKinds.reduce((sum, kind) => sum + summary[kind].throttled, 0);
  writeFileSync(
    `${base}.html`,
    timelineHtml({
      title: `Flash sale ${sale.run}: ${buyers} buyers for ${units} units`,
      notes: [
        `Started ${report.startedAt} on the ${profile.name} stack, served by the local Lambda runtime${sale.options.warm ? ', its search, group offers and place-order containers started beforehand (--warm)' : ', every container started on demand'}. GET /search?q=${keyword} (${catalog}) at ${baseRate}/s, ramping to ${baseRate * peakFactor}/s over ${rampS} s from the promotion start at ${beforeStartS} s and held until ${seconds} s; GET /groups/${offer.groupId}/offers at a tenth of that; the ${buyers} buyers' POST /orders spread over the ramp, one in ten sent twice.`,
        `Promotion ${sale.promotionId}: ${discount.percent}% off ${offer.offerId} (${won(listPrice)} won), ${units} units, one per buyer. Each request counts in the second it was due to be sent, and its latency runs from then to its final answer (a throttled order is retried with its key after ${retryBaseMs} ms doubling, up to ${maxRetries} times: ${recorded.retries} retries of ${recorded.ordersRetried} orders); buyers and visitors share ${sale.options.connections} connections.`,
        `${requestKinds.map((kind) => `${kind} p50 ${ms(summary[kind].p50Ms)}, p99 ${ms(summary[kind].p99Ms)}`).join('; ')}; final 429 answers: ${throttled}.`,
        `Beside each latency, its function's pool from the runtime's GET /local/stats, read once a second: containers, busy containers (at that instant) and throttles in the second.`,
      ],
      checks,
      markers: [{ atS: beforeStartS, label: 'promotion starts' }],
      bucketSeconds: 1,
      buckets,
      functions,
    }),
  );
  return base;
}

/**
 * Starts the containers of the scenario's functions up to their limits: rounds of `limit` requests
 * at once (each invocation that finds no idle container starts one) until the pool has them all,
 * at most 90 s. Orders are sent without a body (refused with 400 before any work).
 */
async function warmUp(sale: Sale): Promise<void> {
  const { api, listing } = sale;
  const requests: Record<RequestKind, () => Promise<Answer>> = {
    search: () => call(`${api.baseUrl}/search?q=${encodeURIComponent(listing.keyword)}`),
    offers: () => call(`${api.baseUrl}/groups/${encodeURIComponent(listing.offer.groupId)}/offers`),
    order: () => call(`${api.baseUrl}/orders`, { method: 'POST', headers: sale.adminHeaders }),
  };
  const until = Date.now() + 90_000;
  for (const kind of requestKinds) {
    const key = statsKey(sale, functionOfKind[kind]);
    for (;;) {
      const pool = (await poolStats(sale))?.[key];
      if (!pool || pool.containers >= pool.limit || Date.now() > until || interrupted) {
        console.log(
          `warm: ${functionOfKind[kind]} ${pool?.containers ?? '?'} of ${pool?.limit ?? '?'} containers`,
        );
        break;
      }
      await Promise.all(Array.from({ length: pool.limit }, requests[kind]));
    }
  }
}

/**
 * Waits (at most 60 s) until no invocation of the scenario's functions runs: one whose client gave
 * up (no answer in 30 s) still goes on in its container, and the stores are read once it is done.
 */
async function untilIdle(sale: Sale): Promise<void> {
  const keys = requestKinds.map((kind) => statsKey(sale, functionOfKind[kind]));
  const until = Date.now() + 60_000;
  for (;;) {
    const pools = await poolStats(sale);
    const busy = keys.reduce((sum, key) => sum + (pools?.[key]?.busy ?? 0), 0);
    if (busy === 0 || Date.now() > until || interrupted) {
      if (busy > 0) console.log(`still ${busy} invocations running after 60 s: the stores are read anyway`);
      return;
    }
    await sleep(500);
  }
}

/** Order latency of the first, second and third second of the ramp. */
function orderPhases(recorded: Recorded): string {
  return Array.from({ length: rampS }, (_, second) => {
    const from = (beforeStartS + second) * 1_000;
    const latencies = recorded.samples
      .filter((sample) => sample.kind === 'order' && sample.atMs >= from && sample.atMs < from + 1_000)
      .map((sample) => sample.latencyMs)
      .sort((a, b) => a - b);
    return `sent in ${beforeStartS + second}-${beforeStartS + second + 1} s p50 ${ms(percentile(latencies, 0.5))} p99 ${ms(percentile(latencies, 0.99))}`;
  }).join('; ');
}

/**
 * Per function that ran: containers now and at most during the scenario, cold starts with their
 * init p50/max (since the runtime started, warm-up included), invocations and throttles in the
 * scenario.
 */
function functionLines(
  sale: Sale,
  stats: readonly StatsSnapshot[],
  final: Record<string, PoolFigures> | undefined,
): string[] {
  if (!final) return ['functions          GET /local/stats did not answer'];
  const prefix = `${sale.service}-${sale.options.profile.stage}-`;
  const lines = [
    'function                      limit  containers (peak)  cold starts  init p50/max ms  invocations  throttles (in the scenario)',
  ];
  for (const [key, pool] of Object.entries(final)) {
    if (pool.invocations === 0 && pool.coldStarts === 0 && pool.throttles === 0) continue;
    const name = key.startsWith(prefix) ? key.slice(prefix.length) : key;
    const over = poolOver(sale, stats, name);
    const init = [...pool.initMs].sort((a, b) => a - b);
    lines.push(
      [
        name.padEnd(28),
        String(pool.limit).padStart(6),
        `${pool.containers} (${over.peakContainers})`.padStart(18),
        String(pool.coldStarts).padStart(11),
        `${Math.round(percentile(init, 0.5) ?? 0)}/${Math.round(init.at(-1) ?? 0)}`.padStart(15),
        `${pool.invocations} (${over.invocations})`.padStart(11),
        `${pool.throttles} (${over.throttles})`.padStart(10),
      ].join('  '),
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const options = readOptions();
  const { buyers, units, profile, seconds, baseRate } = options;
  useProfile(profile.name);
  agent.maxSockets = options.connections;
  process.env.LOG_LEVEL = 'ERROR';
  // The logger already exists (run.ts loads the clients): quiet it too.
  logger.setLogLevel('ERROR');
  const { issueAccessToken } = await import('../shared/auth');
  const { serviceName, topicName } = await import('../shared/infra');
  const { consumersCaughtUp } = await import('./support/consumer-lag');
  for (const port of [profile.apiPort, profile.lambdaPort]) {
    if (await portAnswers(port)) {
      throw new Error(`Port ${port} is taken (is npm start running?): stop it first.`);
    }
  }

  const run = randomUUID().slice(0, 8);
  console.log(
    `flash sale ${run}: ${buyers} buyers for ${units} units; search at ${baseRate}/s, ${baseRate * peakFactor}/s from ${beforeStartS + rampS} s; ${seconds} s (profile ${profile.name}${options.warm ? ', warm' : ''})`,
  );
  const setupFrom = new Date();
  const accounts = await createBuyers(run, buyers);
  const admin = await issueAccessToken({ memberId: `fs-admin-${run}`, roles: ['admin'] });
  const listing = await listOffers(run, units);
  console.log(
    `setup: ${buyers} buyers; offer ${listing.offer.offerId}, ${units} units at ${won(listPrice)} won; search "${listing.keyword}" (${listing.catalog})`,
  );

  const starting = startOffline(profile);
  const stopOffline = () => starting.then((api) => api.stop()).catch(() => undefined);
  stopOnSignal.add(stopOffline);
  try {
    const api = await starting;
    const unitDiscount = unitDiscountOf(discount, listPrice);
    const sale: Sale = {
      run,
      options,
      api,
      adminHeaders: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      listing,
      promotionId: `flash-${run}`,
      unitDiscount,
      promotionalPrice: listPrice - unitDiscount + listing.offer.shippingFee,
      service: serviceName,
    };
    const promotionUrl = `${api.baseUrl}/promotions/${sale.promotionId}`;

    // Earlier runs' events still being counted would be measured with this one.
    const topics = ['catalogEvents', 'searchEvents', 'orderEvents'].map(topicName);
    await consumersCaughtUp(
      topics,
      catchUpMs,
      (left) => console.log(`waiting for the consumers: ${left} events behind`),
      () => interrupted,
    );
    if (interrupted) return;
    // One container of each function starts before the scenario; the others start in it, on demand.
    await call(`${api.baseUrl}/search?q=${encodeURIComponent(listing.keyword)}`);
    await call(`${api.baseUrl}/groups/${encodeURIComponent(listing.offer.groupId)}/offers`);
    await call(`${api.baseUrl}/orders`, { method: 'POST', headers: sale.adminHeaders });
    // Creating the promotion must fit in the lead: its functions start here (an empty body is refused).
    await call(promotionUrl, { method: 'PUT', headers: sale.adminHeaders, body: '{}' });
    await call(promotionUrl, { headers: sale.adminHeaders });
    await call(`${api.baseUrl}/analytics/promotions?granularity=hour&groupBy=promotion`, {
      headers: sale.adminHeaders,
    });

    if (options.warm) await warmUp(sale);

    const startsAt = new Date(Date.now() + leadMs);
    const origin = performance.now() + leadMs;
    const promotionStart = new Date(startsAt.getTime() + beforeStartS * 1_000);
    const promotion = {
      name: `Flash sale ${run}`,
      // Every day, whole days: the validity window alone decides when it runs.
      schedule: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7] },
      scope: { kind: 'group', groupId: listing.offer.groupId },
      discount,
      limits: { totalUnits: units, perMemberUnits: 1 },
      validFrom: promotionStart.toISOString(),
      validUntil: new Date(promotionStart.getTime() + 3_600_000).toISOString(),
    } satisfies z.input<typeof promotionInputSchema>;
    const put = await call(promotionUrl, {
      method: 'PUT',
      headers: sale.adminHeaders,
      body: JSON.stringify(promotion),
    });
    if (put.status !== 201) throw new Error(`PUT ${promotionUrl} answered ${put.status}: ${put.body}`);
    await call(promotionUrl, { headers: sale.adminHeaders });
    if (Date.now() > startsAt.getTime()) {
      throw new Error(
        `creating the promotion took more than ${leadMs} ms: the scenario could not start on time`,
      );
    }
    console.log(
      `promotion ${sale.promotionId}: ${discount.percent}% off (${won(unitDiscount)} won, ${won(sale.promotionalPrice)} to pay), ${units} units, 1 per buyer, from ${promotionStart.toISOString()}`,
    );

    const recorded = await runScenario(sale, accounts, origin);
    if (interrupted) return;
    const lastAnswer = Date.now();
    await untilIdle(sale);
    const stores = await whatStoresSay(sale, accounts);
    const view = await call(promotionUrl, { headers: sale.adminHeaders });
    const unitsSold = {
      status: view.status,
      value: view.status === 200 ? (JSON.parse(view.body) as { unitsSold: number }).unitsSold : undefined,
    };
    console.log(
      `waiting for the analytics promotions report to count the orders (up to ${analyticsWaitMs / 1_000} s)...`,
    );
    const analytics = await analyticsTotals(sale, setupFrom, stores.expected, lastAnswer);
    if (interrupted) return;

    const errors = api
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":"ERROR"') && !line.includes('kafkajs'));
    const distinct = [...new Set(errors.map((line) => /"message":"([^"]*)"/.exec(line)?.[1] ?? line))];
    if (distinct.length > 0)
      console.log(`function errors (${errors.length}): ${distinct.slice(0, 5).join(' | ')}`);

    const summary = Object.fromEntries(
      requestKinds.map((kind) => [
        kind,
        kindStats(
          recorded.samples.filter((sample) => sample.kind === kind),
          seconds,
        ),
      ]),
    ) as Record<RequestKind, KindStats>;
    const checks = checksOf(sale, recorded, stores, summary, unitsSold, analytics);
    const finalStats = await poolStats(sale);
    const base = writeReports(sale, startsAt, recorded, stores, summary, checks);

    const answers = (kind: RequestKind) =>
      [...recorded.statuses[kind]]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', ');
    const shown = (phase: string, how: Shown) => recorded.shown.get(`${phase} ${how}`) ?? 0;
    const inFlight = shown('across', 'list') + shown('across', 'promotional') + shown('across', 'absent');
    const relative = (file: string) => path.relative(process.cwd(), file);
    console.log(
      [
        '',
        `requests           ${requestKinds.map((kind) => `${kind} ${summary[kind].requests} (${answers(kind)})`).join('; ')}`,
        ...(recorded.noAnswer.size > 0
          ? [
              `no answer          ${[...recorded.noAnswer].map(([why, count]) => `${why}: ${count}`).join(', ')}`,
            ]
          : []),
        `latency            ${requestKinds.map((kind) => `${kind} p50 ${ms(summary[kind].p50Ms)}, p99 ${ms(summary[kind].p99Ms)}`).join('; ')}`,
        `                   order before/after the promotion start: ${orderPhases(recorded)}`,
        `429 (final)        ${requestKinds.map((kind) => `${kind} ${summary[kind].throttled}`).join(', ')}`,
        `order retries      ${recorded.retries} retries of ${recorded.ordersRetried} throttled orders, ${recorded.gaveUp} gave up at 429`,
        `flash offer shown  answered before the start: ${shown('before', 'list')} at list price, ${shown('before', 'promotional')} promotional, ${shown('before', 'absent')} not shown`,
        `                   sent after it: ${shown('after', 'promotional')} promotional, ${shown('after', 'list')} at list price, ${shown('after', 'absent')} not shown; ${inFlight} in flight at the start`,
        `orders paid        ${stores.paid} (${stores.expected.units} units; ${stores.placed - stores.paid} other orders)`,
        `sends              at most ${Math.round(recorded.lateMs)} ms behind schedule`,
        '',
        ...functionLines(sale, recorded.stats, finalStats),
        '',
        ...checks.map((check) => `${check.pass ? 'PASS' : 'FAIL'}  ${check.name.padEnd(30)} ${check.detail}`),
        '',
        `report             ${relative(`${base}.json`)}`,
        `                   ${relative(`${base}.html`)}`,
      ].join('\n'),
    );
    if (checks.some((check) => !check.pass)) process.exitCode = 1;
  } finally {
    await stopOffline();
    stopOnSignal.clear();
  }
}

run(main);
