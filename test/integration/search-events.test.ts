/**
 * Search events against the test stack's Redis and Kafka: a search stores its event in the Redis
 * stream before it answers and leaves nothing running, and the relay brings every stored event to
 * the search topic, those a dead relay left pending included.
 */
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { handler as searchHandler } from '../../functions/search/by-keyword';
import { topicName } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { closeRedis, connectedRedis, redisClient } from '../../shared/redis/client';
import { searchEventStreamKey } from '../../shared/redis/keys';
import { readNew } from '../../shared/redis/search-event-stream';
import { relaySearchEvents } from '../../shared/search/search-event-relay';
import { recordSearch } from '../../shared/search/search-events';
import { gatewayEvent, lambdaContext } from '../support/http-event';
import { eventually, testKafka } from '../support/kafka';

/** Event ids seen on the search topic since the test file started. */
const onTopic = new Map<string, number>();
let consumer: Consumer;

beforeAll(async () => {
  consumer = testKafka.consumer({ groupId: `search-events-test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName('searchEvents'), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const { id } = JSON.parse(message.value?.toString() ?? '{}') as { id?: string };
      if (id) onTopic.set(id, (onTopic.get(id) ?? 0) + 1);
    },
  });
});

afterAll(async () => {
  await consumer.disconnect();
  await closeKafka();
  await closeRedis();
});

/** One relay run that stops once nothing new is waiting. */
const drain = (claimIdleMs?: number) =>
  relaySearchEvents({ timeLeftMs: () => 20_000, untilEmpty: true, claimIdleMs });

/** The stream's entries whose event is of this keyword, as [entry id, event id]. */
async function storedOf(keyword: string): Promise<[string, string][]> {
  const entries = await (await connectedRedis()).xrange(searchEventStreamKey, '-', '+');
  return entries.flatMap(([entryId, fields]) => {
    const event = JSON.parse(fields[1] ?? '{}') as { id: string; data?: { keyword?: string } };
    return event.data?.keyword === keyword ? [[entryId, event.id] as [string, string]] : [];
  });
}

/**
 * Runs `call` and counts the timers it started that are still pending once it has answered (the
 * test's own Kafka consumer keeps timers of its own in this process, so a process-wide count would
 * measure the consumer too).
 */
async function timersLeftBy<T>(call: () => Promise<T>): Promise<{ result: T; pending: number }> {
  const inCall = new AsyncLocalStorage<true>();
  const pending = new Set<number>();
  const hook = createHook({
    init(asyncId, type) {
      if (type === 'Timeout' && inCall.getStore()) pending.add(asyncId);
    },
    destroy(asyncId) {
      pending.delete(asyncId);
    },
  }).enable();
  try {
    const result = await inCall.run(true, call);
    // Destroy hooks of timers cleared during the call run on the loop's next turn.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, pending: pending.size };
  } finally {
    hook.disable();
  }
}

const context = lambdaContext('search-by-keyword', 'search-events-test');

const searchRequest = (keyword: string) =>
  gatewayEvent({
    path: '/search',
    headers: { 'x-session-id': `session-${keyword}` },
    queryStringParameters: { q: keyword },
    multiValueQueryStringParameters: { q: [keyword] },
    requestId: randomUUID(),
    sourceIp: '127.0.0.1',
  });

describe('a search', () => {
  it('has stored its event when it answers, sent nothing to Kafka and left no timer running', async () => {
    // The first search of the file opens the connections a container keeps.
    await searchHandler(searchRequest(`warm-${randomUUID()}`), context);
    const keyword = `kw-${randomUUID().slice(0, 8)}`;
    const { result: answer, pending } = await timersLeftBy(() =>
      searchHandler(searchRequest(keyword), context),
    );
    expect(answer.statusCode).toBe(200);
    // One timer may be ioredis's own: a reconnect it scheduled when a connection attempt passed its
    // 500 ms bound (a loaded machine); the search answered from its fallback meanwhile.
    const reconnecting = redisClient().status === 'reconnecting' ? 1 : 0;
    expect(pending).toBeLessThanOrEqual(reconnecting);
    const stored = await storedOf(keyword);
    expect(stored).toHaveLength(1);
    const [[, eventId] = ['', '']] = stored;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(onTopic.has(eventId)).toBe(false);

    await drain();
    await eventually('the event on the search topic', () => onTopic.has(eventId));
    expect(await storedOf(keyword)).toEqual([]);
  });
});

describe('the relay', () => {
  it('brings every stored event to the search topic and deletes what Kafka acknowledged', async () => {
    const keyword = `kw-${randomUUID().slice(0, 8)}`;
    for (const memberId of ['m-1', 'm-2', 'm-3']) {
      expect(await recordSearch({ keyword, resultCount: 1, channel: 'search', memberId })).toBe(true);
    }
    const ids = (await storedOf(keyword)).map(([, eventId]) => eventId);
    expect(ids).toHaveLength(3);
    const result = await drain();
    expect(result.relayed).toBeGreaterThanOrEqual(3);
    await eventually('every event on the search topic', () => ids.every((id) => onTopic.has(id)));
    expect(await storedOf(keyword)).toEqual([]);
  });

  it('claims what a relay that died left pending, once it has been idle long enough', async () => {
    const keyword = `kw-${randomUUID().slice(0, 8)}`;
    await recordSearch({ keyword, resultCount: 0, channel: 'partner', partnerId: 'p-1' });
    const [[, eventId] = ['', '']] = await storedOf(keyword);
    await drain();
    await recordSearch({ keyword, resultCount: 0, channel: 'partner', partnerId: 'p-2' });
    const [[deadEntryId, deadEventId] = ['', '']] = await storedOf(keyword);
    // A relay reads the entry and dies before Kafka acknowledged it.
    expect((await readNew('relay', 100)).map((entry) => entry.id)).toContain(deadEntryId);

    // Not yet idle for as long as a relay may hold it: it may still be on its way.
    expect((await drain()).reclaimed).toBe(0);
    expect((await storedOf(keyword)).map(([id]) => id)).toEqual([deadEntryId]);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await drain(100);
    expect(result.reclaimed).toBeGreaterThanOrEqual(1);
    await eventually('the re-delivered event on the search topic', () => onTopic.has(deadEventId));
    expect(onTopic.has(eventId)).toBe(true);
    expect(await storedOf(keyword)).toEqual([]);
  });

  it('deletes an entry that is not a valid event rather than retry it for ever', async () => {
    const redis = await connectedRedis();
    const entryId = await redis.xadd(searchEventStreamKey, '*', 'event', '{"not":"an event"}');
    const result = await drain();
    expect(result.dropped).toBeGreaterThanOrEqual(1);
    expect(await redis.xrange(searchEventStreamKey, entryId ?? '-', entryId ?? '+')).toEqual([]);
  });
});

describe('a search while Redis cannot be reached', () => {
  const previousUrl = process.env.REDIS_URL;
  beforeAll(async () => {
    await closeRedis();
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
  });
  afterAll(async () => {
    await closeRedis();
    process.env.REDIS_URL = previousUrl;
  });

  it('still answers, within the breaker, having counted its event as not stored', async () => {
    const started = performance.now();
    const stored = await recordSearch({ keyword: 'offline', resultCount: 0, channel: 'search' });
    expect(stored).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
