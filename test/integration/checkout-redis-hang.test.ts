/**
 * Redis paths while Redis answers nothing (a proxy in front of the test Redis that stops
 * forwarding): a cold container's connection gives up, the stock gate says it does not know, having
 * taken nothing, instead of waiting, and promotions come from DynamoDB, or from the last set read
 * when DynamoDB fails as well.
 */
import { promotionInputSchema } from '../../shared/domain/promotion';
import { closeDynamo } from '../../shared/dynamo/client';
import { deletePromotion, savePromotion } from '../../shared/dynamo/promotion-store';
import { livePromotions } from '../../shared/promotions/live';
import { closeRedis, pingRedis } from '../../shared/redis/client';
import { passGate } from '../../shared/redis/stock-gate';
import { loadProfile } from '../../stack/profiles';
import { uniqueToken } from '../support/catalog';
import { type HungRedisProxy, hungRedisProxy } from '../support/hung-redis';

const profile = loadProfile('test');
const previous = { redis: process.env.REDIS_URL, dynamodb: process.env.DYNAMODB_ENDPOINT };
let proxy: HungRedisProxy;

beforeAll(async () => {
  proxy = await hungRedisProxy({ host: profile.host, port: profile.redisPort });
  await closeRedis();
  process.env.REDIS_URL = `redis://127.0.0.1:${proxy.port}`;
  await pingRedis();
  proxy.hang();
});

afterAll(async () => {
  proxy.resume();
  process.env.REDIS_URL = previous.redis;
  process.env.DYNAMODB_ENDPOINT = previous.dynamodb;
  await closeRedis();
  closeDynamo();
  await proxy.close();
  jest.restoreAllMocks();
});

describe('with Redis hung', () => {
  it("a cold container's connection gives up at the handshake's timeout, and is not waited on again", async () => {
    // Closing the connected client sends QUIT, which times out too: the breaker may open now.
    await closeRedis();
    const started = performance.now();
    await expect(pingRedis()).rejects.toThrow(/no redis connection|breaker open/);
    expect(performance.now() - started).toBeLessThan(5_000);
    const again = performance.now();
    await expect(pingRedis()).rejects.toThrow(/no redis connection|breaker open/);
    expect(performance.now() - again).toBeLessThan(100);
  });

  it('the stock gate answers unknown, having taken nothing, within its bound', async () => {
    const started = performance.now();
    expect(await passGate([{ offerId: `o${uniqueToken()}`, quantity: 1, stock: 5 }])).toBe('unknown');
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('promotions come from DynamoDB, and from the last set read once DynamoDB fails too', async () => {
    // Active in 2099 only, priced as of then: the stage's capacity plan, which looks at the next
    // day, never sees it (the e2e run shares this stage).
    const now = new Date('2099-01-01T12:00:00Z');
    // Written to DynamoDB alone (Redis is hung): the fallback must find it there.
    const promotionId = `p${uniqueToken()}`;
    await savePromotion(
      {
        ...promotionInputSchema.parse({
          name: 'Always on',
          schedule: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7] },
          scope: { kind: 'group', groupId: `g${uniqueToken()}` },
          discount: { kind: 'percent', percent: 10 },
          validFrom: '2099-01-01T00:00:00Z',
          validUntil: '2099-01-02T00:00:00Z',
        }),
        promotionId,
        version: 1,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      },
      undefined,
    );
    const fromDynamo = await livePromotions(now);
    await deletePromotion(promotionId);
    expect(fromDynamo.map((promotion) => promotion.promotionId)).toContain(promotionId);
    // The container's copy is kept 5 s; later, both stores fail.
    const later = Date.now() + 6_000;
    jest.spyOn(Date, 'now').mockReturnValue(later);
    closeDynamo();
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:1';
    const started = performance.now();
    expect(await livePromotions(now)).toEqual(fromDynamo);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
