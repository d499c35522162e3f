/**
 * Sponsored offers through HTTP on the local Lambda runtime and the real test stack: a seller
 * creates a campaign, its offer shows as sponsored for its keyword beside the unchanged organic
 * results, a click redirects and charges once, the budget stops it, the ads and revenue reports
 * count the clicks; another seller can neither read
 * nor change the campaign nor target the first seller's offers; bad input is refused by code.
 */
import { relayAdEvents } from '../../shared/ads/ad-event-relay';
import { closeDynamo } from '../../shared/dynamo/client';
import { closeKafka } from '../../shared/kafka/client';
import { closeRedis } from '../../shared/redis/client';
import { accessTokenFor } from '../support/auth';
import { offerInput, uniqueToken } from '../support/catalog';
import { eventually } from '../support/kafka';
import { type OfflineApi, startOffline } from '../support/offline';

let api: OfflineApi;
let admin: string;

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
type Answer = { status: number; body: any; location: string | null };

async function call(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : undefined,
    location: response.headers.get('location'),
  };
}

beforeAll(async () => {
  api = await startOffline();
  admin = await accessTokenFor({ roles: ['member', 'admin'] });
}, 180_000);

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
  await api?.stop();
});

describe('sponsored offers through HTTP', () => {
  it('a campaign shows its offer as sponsored, a click charges once, the budget stops it, and analytics counts its clicks as ad revenue', async () => {
    const startedAt = new Date(Date.now() - 60_000).toISOString();
    const t = uniqueToken();
    const keyword = `ad${t}`;
    const seller = await accessTokenFor({ memberId: `seller-${t}`, roles: ['seller'] });
    const url = `https://seller.example/ad-${t}`;
    for (const [offerId, price] of [
      [`ao${t}`, 30_000],
      [`bo${t}`, 10_000],
    ] as const) {
      const listed = await call(
        'PUT',
        `/offers/${offerId}`,
        seller,
        offerInput({ groupId: `g${offerId}`, keywords: [keyword], price, url: `${url}/${offerId}` }),
      );
      expect(listed.status).toBe(201);
    }
    const organic = await eventually(
      'both groups in search',
      async () => {
        const { body } = await call('GET', `/search?q=${keyword}`);
        return body.groups?.length === 2 ? body.groups : undefined;
      },
      30_000,
    );

    const created = await call('POST', '/sellers/me/campaigns', seller, {
      name: 'Launch',
      offerIds: [`ao${t}`],
      keywords: [keyword],
      bidWon: 500,
      dailyBudgetWon: 1_000,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      sellerId: `seller-${t}`,
      offers: [{ offerId: `ao${t}`, groupId: `gao${t}` }],
      status: 'active',
      version: 1,
      spentTodayWon: 0,
      servingNow: true,
      timeZone: 'Asia/Seoul',
    });
    const { campaignId } = created.body;

    // Every search function sees the campaign within the 5 s it remembers the campaigns.
    const page = await eventually(
      'the offer sponsored in search',
      async () => {
        const { body } = await call('GET', `/search?q=${keyword}`, undefined, undefined, {
          'x-session-id': `session-one-${t}`,
        });
        return body.sponsored?.[0]?.campaignId === campaignId ? body : undefined;
      },
      20_000,
    );
    expect(page.groups).toEqual(organic);
    expect(page.sponsored[0]).toMatchObject({
      kind: 'sponsored',
      sponsored: true,
      offerId: `ao${t}`,
      groupId: `gao${t}`,
      url: `${url}/ao${t}`,
    });
    // The second slot: default content, the page's own cheapest offer.
    expect(page.sponsored[1]).toMatchObject({
      kind: 'default',
      sponsored: false,
      campaignId: null,
      clickUrl: null,
    });
    const clickUrl: string = page.sponsored[0].clickUrl;
    expect(clickUrl).toMatch(/^\/ads\/click\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

    const spent = async () =>
      (await call('GET', `/sellers/me/campaigns/${campaignId}`, seller)).body.spentTodayWon;
    const first = await call('GET', clickUrl, undefined, undefined, { 'x-session-id': `session-one-${t}` });
    expect(first.status).toBe(302);
    expect(first.location).toBe(`${url}/ao${t}`);
    const replayed = await call('GET', clickUrl, undefined, undefined, {
      'x-session-id': `session-one-${t}`,
    });
    expect(replayed.status).toBe(302);
    expect(replayed.location).toBe(`${url}/ao${t}`);
    expect(await spent()).toBe(500);

    // Another visitor spends the rest; a third still gets to the offer, for nothing.
    expect(
      (await call('GET', clickUrl, undefined, undefined, { 'x-session-id': `session-two-${t}` })).status,
    ).toBe(302);
    expect(
      (await call('GET', clickUrl, undefined, undefined, { 'x-session-id': `session-three-${t}` })).status,
    ).toBe(302);
    const campaign = (await call('GET', `/sellers/me/campaigns/${campaignId}`, seller)).body;
    expect(campaign).toMatchObject({
      spentTodayWon: 1_000,
      servingNow: false,
      notServingBecause: 'out_of_budget',
    });
    const after = (await call('GET', `/search?q=${keyword}`)).body;
    expect(after.groups).toEqual(organic);
    expect(after.sponsored.map((slot: { kind: string }) => slot.kind)).toEqual(['default', 'default']);

    const listedCampaigns = (await call('GET', '/sellers/me/campaigns', seller)).body.campaigns;
    expect(listedCampaigns.map((found: { campaignId: string }) => found.campaignId)).toEqual([campaignId]);

    // The relay (every minute on its own) brings the ad events to Kafka; analytics counts them.
    await relayAdEvents({ timeLeftMs: () => 20_000, untilEmpty: true });
    const range = `granularity=hour&from=${encodeURIComponent(startedAt)}&to=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`;
    const counted = await eventually(
      "the campaign's clicks in the ads report",
      async () => {
        const { body } = await call('GET', `/analytics/ads?${range}&groupBy=campaign&limit=100`, admin);
        const series = body.series?.find((entry: { key: string }) => entry.key === campaignId);
        return series?.totals.clicks === 2 ? series.totals : undefined;
      },
      60_000,
    );
    expect(counted).toMatchObject({ clicks: 2, spend: 1_000, costPerClick: 500 });
    expect(counted.impressions).toBeGreaterThanOrEqual(1);
    const revenue = await eventually(
      'the clicks as ad revenue',
      async () => {
        const totals = (await call('GET', `/analytics/revenue?${range}`, admin)).body.series?.[0]?.totals;
        return (totals?.adRevenue ?? 0) >= 1_000 ? totals : undefined;
      },
      60_000,
    );
    expect(revenue.profit).toBe(revenue.margin + revenue.adRevenue);
  }, 180_000);

  it("another seller can neither see, change nor target the seller's campaign and offers", async () => {
    const t = uniqueToken();
    const owner = await accessTokenFor({ memberId: `owner-${t}`, roles: ['seller'] });
    const other = await accessTokenFor({ memberId: `other-${t}`, roles: ['seller'] });
    expect(
      (await call('PUT', `/offers/own${t}`, owner, offerInput({ groupId: `g${t}`, keywords: [`own${t}`] })))
        .status,
    ).toBe(201);
    const input = {
      name: 'Mine',
      offerIds: [`own${t}`],
      keywords: [`own${t}`],
      bidWon: 100,
      dailyBudgetWon: 1_000,
    };
    const created = await call('POST', '/sellers/me/campaigns', owner, input);
    expect(created.status).toBe(201);
    const path = `/sellers/me/campaigns/${created.body.campaignId}`;

    const unknown = await call('GET', `/sellers/me/campaigns/unknown-${t}`, other);
    expect(unknown.status).toBe(404);
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PUT', '', { ...input, expectedVersion: 1 }],
      ['POST', '/pause', undefined],
      ['POST', '/resume', undefined],
    ] as const) {
      const answer = await call(method, `${path}${suffix}`, other, body);
      expect([method, suffix, answer.status, answer.body.error.code]).toEqual([
        method,
        suffix,
        404,
        'not_found',
      ]);
    }
    const stolen = await call('POST', '/sellers/me/campaigns', other, input);
    expect(stolen.status).toBe(422);
    expect(stolen.body.error.details).toEqual([{ path: 'offerIds.0', message: `no offer own${t} of yours` }]);
    expect((await call('GET', '/sellers/me/campaigns', other)).body.campaigns).toEqual([]);

    // The owner's own changes go through, at the version read.
    const paused = await call('POST', `${path}/pause`, owner);
    expect(paused.body).toMatchObject({ status: 'paused', version: 2, notServingBecause: 'paused' });
    const stale = await call('PUT', path, owner, { ...input, expectedVersion: 1 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'campaign_version_mismatch']);
    const replaced = await call('PUT', path, owner, { ...input, bidWon: 200, expectedVersion: 2 });
    expect(replaced.body).toMatchObject({ bidWon: 200, status: 'paused', version: 3 });

    // Admins suspend one campaign or all of a seller's; sellers cannot.
    expect((await call('POST', `/campaigns/${created.body.campaignId}/suspend`, owner)).status).toBe(403);
    const suspended = await call('POST', `/campaigns/${created.body.campaignId}/suspend`, admin);
    expect(suspended.body).toMatchObject({ suspended: true, version: 4 });
    const sellerWide = await call('POST', `/sellers/owner-${t}/campaigns/suspend`, admin);
    expect(sellerWide.body).toEqual({ sellerId: `owner-${t}`, suspended: true, campaigns: 1 });
    expect((await call('GET', path, owner)).body).toMatchObject({ sellerSuspended: true, suspended: true });
  }, 60_000);

  it('refuses bad input with its code', async () => {
    const t = uniqueToken();
    const seller = await accessTokenFor({ memberId: `bad-${t}`, roles: ['seller'] });
    expect(
      (await call('PUT', `/offers/bad${t}`, seller, offerInput({ groupId: `g${t}`, keywords: [`bad${t}`] })))
        .status,
    ).toBe(201);
    const valid = {
      name: 'Bad',
      offerIds: [`bad${t}`],
      keywords: [`bad${t}`],
      bidWon: 100,
      dailyBudgetWon: 1_000,
    };
    const refused = async (body: unknown) => {
      const answer = await call('POST', '/sellers/me/campaigns', seller, body);
      return [answer.status, answer.body.error.code];
    };
    expect(await refused({ ...valid, bidWon: 0 })).toEqual([400, 'validation_failed']);
    expect(await refused({ ...valid, keywords: 'x' })).toEqual([400, 'validation_failed']);
    expect(await refused({ ...valid, surprise: 1 })).toEqual([400, 'validation_failed']);
    expect(await refused({ ...valid, dailyBudgetWon: 50 })).toEqual([422, 'rule_violated']);
    expect(await refused({ ...valid, keywords: [] })).toEqual([422, 'rule_violated']);
    expect(
      await refused({ ...valid, validFrom: '2026-05-01T00:00:00Z', validUntil: '2026-04-01T00:00:00Z' }),
    ).toEqual([422, 'rule_violated']);
    expect((await call('POST', '/sellers/me/campaigns', undefined, valid)).status).toBe(401);

    const click = async (token: string) => {
      const answer = await call('GET', `/ads/click/${token}`);
      return [answer.status, answer.body.error.code];
    };
    expect(await click('nonsense')).toEqual([400, 'validation_failed']);
    expect(await click(`e30.${'A'.repeat(43)}`)).toEqual([403, 'click_token_forged']);
  }, 60_000);
});
