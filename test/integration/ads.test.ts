/**
 * Sponsored offers against the test stack's Redis, Kafka and DynamoDB: concurrent clicks never spend
 * past the budget and each charge reaches the ad topic once, replayed clicks are free, bad tokens are
 * refused, paused and suspended campaigns leave the slots, and without Redis (unreachable or hung)
 * the slots and search still answer, with default content.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { handler as searchHandler } from '../../functions/search/by-keyword';
import { relayAdEvents, reloadServingCopy } from '../../shared/ads/ad-event-relay';
import {
  createCampaign,
  setCampaignStatus,
  setCampaignSuspended,
  setSellerSuspended,
} from '../../shared/ads/campaigns';
import { ClickTokenError } from '../../shared/ads/click-token';
import { clickThrough } from '../../shared/ads/clicks';
import { adTimeoutMs, forgetServedCampaigns, type Slot, sponsoredSlots } from '../../shared/ads/serving';
import {
  budgetDayOf,
  type CampaignInput,
  campaignInputSchema,
  clickWindowSeconds,
} from '../../shared/domain/ads';
import type { Offer } from '../../shared/domain/catalog';
import { spendOf } from '../../shared/dynamo/campaign-store';
import { closeDynamo } from '../../shared/dynamo/client';
import { offerItems, writeItems } from '../../shared/dynamo/offer-store';
import { topicName } from '../../shared/infra';
import { closeKafka } from '../../shared/kafka/client';
import { spendToday } from '../../shared/redis/ad-billing';
import { closeRedis, connectedRedis, pingRedis } from '../../shared/redis/client';
import { adKeys } from '../../shared/redis/keys';
import { applyOffer } from '../../shared/redis/price-cache';
import { storeGrades, storeManualSuspension } from '../../shared/redis/seller-standing';
import { offer, uniqueToken } from '../support/catalog';
import { gatewayEvent, lambdaContext } from '../support/http-event';
import { hungRedisProxy } from '../support/hung-redis';
import { eventually, testKafka } from '../support/kafka';

/** AdClicked events on the ad topic since the file started, by campaign. */
const clickedOnTopic = new Map<string, string[]>();
let consumer: Consumer;

beforeAll(async () => {
  consumer = testKafka.consumer({ groupId: `ads-test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName('adEvents'), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString() ?? '{}') as {
        type?: string;
        data?: { campaignId?: string; clickId?: string };
      };
      if (event.type !== 'AdClicked' || !event.data?.campaignId) return;
      const seen = clickedOnTopic.get(event.data.campaignId) ?? [];
      seen.push(event.data.clickId ?? '');
      clickedOnTopic.set(event.data.campaignId, seen);
    },
  });
  // Serving shows ads once its copy was loaded; the relay loads it each minute.
  await reloadServingCopy();
});

afterAll(async () => {
  await consumer.disconnect();
  await closeKafka();
  await closeRedis();
  closeDynamo();
});

/** A listed offer of its own seller and group, in DynamoDB and the price cache, with a unique keyword. */
async function listedOffer(sellerId: string, overrides: Partial<Offer> = {}): Promise<Offer> {
  const t = uniqueToken();
  const listed = offer({
    offerId: `ad-o-${t}`,
    groupId: `ad-g-${t}`,
    sellerId,
    keywords: [`kw${t}`],
    title: `Trail runner ${t}`,
    category: `cat${t}`,
    url: `https://seller.example/${t}`,
    ...overrides,
  });
  await writeItems(offerItems(listed));
  await applyOffer(listed);
  return listed;
}

const inputFor = (listed: Offer, overrides: Partial<CampaignInput> = {}): CampaignInput =>
  campaignInputSchema.parse({
    name: 'Test campaign',
    offerIds: [listed.offerId],
    keywords: listed.keywords,
    bidWon: 100,
    dailyBudgetWon: 10_000,
    ...overrides,
  });

/**
 * Slots asked for with the campaigns read afresh. On a loaded machine one choice can pass the ads'
 * 50 ms bound and answer default content only, as designed; the tests ask again then (up to 5 times).
 */
async function withAds(ask: () => Promise<Slot[]>): Promise<Slot[]> {
  for (let attempt = 1; ; attempt += 1) {
    forgetServedCampaigns();
    const slots = await ask();
    if (slots.some((slot) => slot.sponsored) || attempt === 5) return slots;
  }
}

const searchSlots = (keyword: string, sessionId = `session-${uniqueToken()}`) =>
  withAds(() => sponsoredSlots({ placement: 'search', keyword, page: [], sessionId }));

const tokenOf = (slot: Slot | undefined) => (slot?.clickUrl ?? '').replace('/ads/click/', '');

/** Relays the ad event stream until nothing new is waiting. */
const drain = () => relayAdEvents({ timeLeftMs: () => 20_000, untilEmpty: true });

describe('clicks', () => {
  it('200 concurrent clicks of distinct visitors on a budget for 37 charge exactly 37, each once on the topic', async () => {
    const seller = `seller-${uniqueToken()}`;
    const listed = await listedOffer(seller);
    const campaign = await createCampaign(
      seller,
      inputFor(listed, { bidWon: 130, dailyBudgetWon: 37 * 130 }),
    );
    const [slot] = await searchSlots(listed.keywords[0] ?? '');
    expect(slot).toMatchObject({ kind: 'sponsored', sponsored: true, campaignId: campaign.campaignId });
    const token = tokenOf(slot);

    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        clickThrough(token, { sessionId: `visitor-${n}-${uniqueToken()}` }),
      ),
    );
    expect(answers.every((answer) => answer.location === listed.url)).toBe(true);
    expect(answers.filter((answer) => answer.outcome === 'charged')).toHaveLength(37);
    expect(answers.filter((answer) => answer.outcome === 'budget_spent')).toHaveLength(163);

    const day = budgetDayOf(new Date());
    expect((await spendToday(day, [campaign.campaignId])).get(campaign.campaignId)).toBe(37 * 130);
    expect(await spendOf(day, campaign.campaignId)).toBe(37 * 130);

    // The spent campaign leaves the slots.
    const after = await searchSlots(listed.keywords[0] ?? '');
    expect(after.filter((shown) => shown.campaignId === campaign.campaignId)).toEqual([]);

    await drain();
    await eventually(
      '37 clicks on the ad topic',
      () => clickedOnTopic.get(campaign.campaignId)?.length === 37,
    );
    // Nothing more arrives after a while.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const clicks = clickedOnTopic.get(campaign.campaignId) ?? [];
    expect(clicks).toHaveLength(37);
    expect(new Set(clicks).size).toBe(37);
  });

  it('a replayed or repeated click is free and still redirects; a member is one visitor whatever the session', async () => {
    const seller = `seller-${uniqueToken()}`;
    const listed = await listedOffer(seller);
    const campaign = await createCampaign(seller, inputFor(listed));
    const token = tokenOf((await searchSlots(listed.keywords[0] ?? '', 'session-replayed-1'))[0]);

    const first = await clickThrough(token, {});
    const replayed = await clickThrough(token, {});
    expect(first).toEqual({ location: listed.url, outcome: 'charged' });
    expect(replayed).toEqual({ location: listed.url, outcome: 'repeated' });

    const member = `member-${uniqueToken()}`;
    expect((await clickThrough(token, { memberId: member, sessionId: 'session-aaaaaaaa' })).outcome).toBe(
      'charged',
    );
    expect((await clickThrough(token, { memberId: member, sessionId: 'session-bbbbbbbb' })).outcome).toBe(
      'repeated',
    );

    const day = budgetDayOf(new Date());
    expect((await spendToday(day, [campaign.campaignId])).get(campaign.campaignId)).toBe(200);
    expect(await spendOf(day, campaign.campaignId)).toBe(200);
  });

  it('refuses a malformed, forged or expired token with its code, charging nothing', async () => {
    const seller = `seller-${uniqueToken()}`;
    const listed = await listedOffer(seller);
    const campaign = await createCampaign(seller, inputFor(listed));
    const token = tokenOf((await searchSlots(listed.keywords[0] ?? ''))[0]);
    const [payload = '', signature = ''] = token.split('.');

    const refusal = async (call: () => Promise<unknown>) => {
      try {
        await call();
      } catch (error) {
        if (error instanceof ClickTokenError) return [error.statusCode, error.code];
        throw error;
      }
      return undefined;
    };
    expect(await refusal(() => clickThrough('not-a-token', {}))).toEqual([400, 'click_token_malformed']);
    const forgedSignature = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await refusal(() => clickThrough(`${payload}.${forgedSignature}`, {}))).toEqual([
      403,
      'click_token_forged',
    ]);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, b: 1 })).toString('base64url');
    expect(await refusal(() => clickThrough(`${raised}.${signature}`, {}))).toEqual([
      403,
      'click_token_forged',
    ]);
    const later = new Date(Date.now() + (clickWindowSeconds + 1) * 1000);
    expect(await refusal(() => clickThrough(token, {}, later))).toEqual([410, 'click_token_expired']);

    expect(await spendOf(budgetDayOf(new Date()), campaign.campaignId)).toBe(0);
  });
});

describe('what is shown', () => {
  it('a paused, suspended or seller-suspended campaign leaves the slots, and comes back', async () => {
    const seller = `seller-${uniqueToken()}`;
    const listed = await listedOffer(seller);
    const keyword = listed.keywords[0] ?? '';
    const { campaignId } = await createCampaign(seller, inputFor(listed));
    const shown = async () => (await searchSlots(keyword)).some((slot) => slot.campaignId === campaignId);

    expect(await shown()).toBe(true);
    await setCampaignStatus(seller, campaignId, 'paused');
    expect(await shown()).toBe(false);
    await setCampaignStatus(seller, campaignId, 'active');
    expect(await shown()).toBe(true);
    await setCampaignSuspended(campaignId, true);
    expect(await shown()).toBe(false);
    await setCampaignSuspended(campaignId, false);
    expect(await shown()).toBe(true);
    await setSellerSuspended(seller, true);
    expect(await shown()).toBe(false);
    // A reload from DynamoDB keeps the suspension (and the reinstatement after it).
    await reloadServingCopy();
    expect(await shown()).toBe(false);
    await setSellerSuspended(seller, false);
    await reloadServingCopy();
    expect(await shown()).toBe(true);
  });

  it('ranks by bid among matching campaigns and fills the other slots with default content of the page', async () => {
    const seller = `seller-${uniqueToken()}`;
    const listed = await listedOffer(seller);
    const keyword = listed.keywords[0] ?? '';
    const other = await listedOffer(seller, { keywords: [keyword] });
    const low = await createCampaign(seller, inputFor(listed, { bidWon: 100 }));
    const high = await createCampaign(seller, inputFor(other, { keywords: [keyword], bidWon: 300 }));
    const page = [
      { groupId: 'page-g', offers: [{ ...listed, discount: 0, promotionId: null, totalPrice: 1 }] },
    ];
    const two = await withAds(() => sponsoredSlots({ placement: 'search', keyword, page }));
    expect(two.map((slot) => slot.campaignId)).toEqual([high.campaignId, low.campaignId]);
    // Each shown slot's impression is stored before the answer, with its slot and the keyword.
    const impressions = (await (await connectedRedis()).xrange(adKeys.events, '-', '+')).flatMap(
      ([, fields]) => {
        const event = JSON.parse(fields[1] ?? '{}') as { type: string; data: Record<string, unknown> };
        return event.type === 'AdImpressed' && event.data.keyword === keyword ? [event.data] : [];
      },
    );
    expect(impressions.slice(-2).map((data) => [data.campaignId, data.slot])).toEqual([
      [high.campaignId, 0],
      [low.campaignId, 1],
    ]);

    await setCampaignStatus(seller, high.campaignId, 'paused');
    const mixed = await withAds(() =>
      sponsoredSlots({
        placement: 'search',
        keyword,
        page: [{ groupId: 'page-g', offers: [summaryOf(other)] }],
      }),
    );
    expect(mixed.map((slot) => [slot.kind, slot.sponsored, slot.offerId, slot.clickUrl === null])).toEqual([
      ['sponsored', true, listed.offerId, false],
      ['default', false, other.offerId, true],
    ]);
  });

  it("weighs each bid by its seller's standing, and shows no ad of a seller suspended from search", async () => {
    const [good, fair] = [`seller-${uniqueToken()}`, `seller-${uniqueToken()}`];
    const goodOffer = await listedOffer(good);
    const keyword = goodOffer.keywords[0] ?? '';
    const fairOffer = await listedOffer(fair, { keywords: [keyword] });
    const goodCampaign = await createCampaign(good, inputFor(goodOffer, { bidWon: 100 }));
    const fairCampaign = await createCampaign(fair, inputFor(fairOffer, { bidWon: 120 }));
    const order = async () =>
      (await searchSlots(keyword)).filter((slot) => slot.sponsored).map((slot) => slot.campaignId);
    try {
      // Without standing both weigh 1: the higher bid first.
      expect(await order()).toEqual([fairCampaign.campaignId, goodCampaign.campaignId]);
      // Grade B weighs 0.8: 120 × 0.8 = 96 < 100 × 1.
      await storeGrades(
        new Map([
          [good, 'A'],
          [fair, 'B'],
        ]),
      );
      expect(await order()).toEqual([goodCampaign.campaignId, fairCampaign.campaignId]);
      await storeManualSuspension(good, true);
      expect(await order()).toEqual([fairCampaign.campaignId]);
    } finally {
      await storeManualSuspension(good, false);
      await storeGrades(
        new Map([
          [good, null],
          [fair, null],
        ]),
      );
    }
  });

  it('shows related ads on a product group page by category', async () => {
    const seller = `seller-${uniqueToken()}`;
    const listed = await listedOffer(seller);
    const { campaignId } = await createCampaign(
      seller,
      inputFor(listed, { keywords: [], categories: [listed.category] }),
    );
    const slots = await withAds(() =>
      sponsoredSlots({
        placement: 'group',
        group: { groupId: 'some-group', category: listed.category, name: 'Anything' },
        page: [],
      }),
    );
    expect(slots.map((slot) => slot.campaignId)).toEqual([campaignId]);
  });
});

const summaryOf = (listed: Offer) => ({
  offerId: listed.offerId,
  sellerId: listed.sellerId,
  title: listed.title,
  category: listed.category,
  price: listed.price,
  shippingFee: listed.shippingFee,
  discount: 0,
  promotionId: null,
  totalPrice: listed.price + listed.shippingFee,
  url: listed.url,
});

const context = lambdaContext('search-by-keyword', 'ads-test');

const searchRequest = (keyword: string) =>
  gatewayEvent({
    path: '/search',
    queryStringParameters: { q: keyword },
    multiValueQueryStringParameters: { q: [keyword] },
    requestId: randomUUID(),
    sourceIp: '127.0.0.1',
  });

describe('without the ad store', () => {
  const previousUrl = process.env.REDIS_URL;
  let listed: Offer;

  beforeAll(async () => {
    const seller = `seller-${uniqueToken()}`;
    listed = await listedOffer(seller);
    await createCampaign(seller, inputFor(listed));
  });

  afterEach(async () => {
    process.env.REDIS_URL = previousUrl;
    await closeRedis();
  });

  it("hung: the slots answer with default content within the ad timeout, not Redis's", async () => {
    await closeRedis();
    forgetServedCampaigns();
    const proxy = await hungRedisProxy({ host: '127.0.0.1', port: Number(new URL(previousUrl ?? '').port) });
    try {
      process.env.REDIS_URL = `redis://127.0.0.1:${proxy.port}`;
      const page = [{ groupId: listed.groupId, offers: [summaryOf(listed)] }];
      // Connected first, so the hang meets commands, not the connection.
      await pingRedis();
      const before = await withAds(() =>
        sponsoredSlots({ placement: 'search', keyword: listed.keywords[0] ?? '', page }),
      );
      expect(before[0]?.kind).toBe('sponsored');
      forgetServedCampaigns();
      proxy.hang();
      const started = performance.now();
      const slots = await sponsoredSlots({ placement: 'search', keyword: listed.keywords[0] ?? '', page });
      const took = performance.now() - started;
      expect(slots.map((slot) => slot.kind)).toEqual(['default']);
      // The breaker's timeout, not Redis's 300 ms command bound (generous for a loaded machine).
      expect(took).toBeLessThan(adTimeoutMs + 200);
      proxy.resume();
    } finally {
      await closeRedis();
      await proxy.close();
    }
  });

  // After the hang: the container's Redis breaker it opened only makes this answer sooner.
  it('unreachable: search answers 200 with default content marked as such', async () => {
    await closeRedis();
    forgetServedCampaigns();
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    const answer = await searchHandler(searchRequest(listed.keywords[0] ?? ''), context);
    expect(answer.statusCode).toBe(200);
    const body = JSON.parse(answer.body) as { groups: unknown[]; sponsored: Slot[]; source: string };
    expect(body.source).toBe('database');
    expect(body.groups).toHaveLength(1);
    expect(body.sponsored.map((slot) => [slot.kind, slot.sponsored, slot.offerId, slot.clickUrl])).toEqual([
      ['default', false, listed.offerId, null],
    ]);
  });
});
