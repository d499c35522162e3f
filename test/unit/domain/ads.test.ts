/**
 * The pure rules of sponsored offers: campaign input, which campaigns may be shown, relevance,
 * ranking by bid × relevance × quality, the choice of slots, default content and click names.
 */
import {
  type Campaign,
  CampaignIndex,
  campaignInputSchema,
  campaignRuleViolations,
  chooseAds,
  clickIdOf,
  clickWindowSeconds,
  defaultContent,
  groupRelevance,
  ineligibility,
  keywordRelevance,
  rankCampaigns,
  type ServingState,
  type SlotOffer,
  secondsLeftInWindow,
} from '../../../shared/domain/ads';
import type { OfferSummary } from '../../../shared/domain/catalog';

const now = new Date('2026-03-02T03:00:00.000Z'); // 12:00 in Seoul, a Monday

function campaign(overrides: Partial<Campaign> & Pick<Campaign, 'campaignId'>): Campaign {
  return {
    name: 'Spring',
    sellerId: 's1',
    offers: [{ offerId: `o-${overrides.campaignId}`, groupId: 'g1' }],
    keywords: ['running shoes'],
    categories: [],
    bidWon: 100,
    dailyBudgetWon: 1_000,
    schedule: { kind: 'daily', start: '00:00', end: '24:00' },
    timeZone: 'Asia/Seoul',
    status: 'active',
    suspended: false,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    ...overrides,
  };
}

const open: ServingState = { suspendedSellers: new Set(), spentToday: new Map() };

function summary(offerId: string, overrides: Partial<OfferSummary> = {}): OfferSummary {
  return {
    offerId,
    sellerId: 's1',
    title: `Offer ${offerId}`,
    category: 'shoes',
    price: 10_000,
    shippingFee: 0,
    discount: 0,
    promotionId: null,
    totalPrice: 10_000,
    url: `https://shop.example/${offerId}`,
    ...overrides,
  };
}

const slotOffer = (offerId: string, groupId = 'g1'): SlotOffer => ({ ...summary(offerId), groupId });

describe('campaign input', () => {
  const valid = {
    name: ' Spring sale ',
    offerIds: ['o1', 'o1', 'o2'],
    keywords: ['Running  SHOES', 'running shoes'],
    bidWon: 150,
    dailyBudgetWon: 10_000,
  };

  it('folds keywords as search does, drops repeats and defaults to every day, all day, in Seoul', () => {
    const input = campaignInputSchema.parse(valid);
    expect(input).toMatchObject({
      name: 'Spring sale',
      offerIds: ['o1', 'o2'],
      keywords: ['running shoes'],
      categories: [],
      schedule: { kind: 'daily', start: '00:00', end: '24:00' },
      timeZone: 'Asia/Seoul',
    });
    expect(campaignRuleViolations(input)).toEqual([]);
  });

  it('refuses bad fields and a window the wrong way round', () => {
    for (const bad of [
      { ...valid, bidWon: 0 },
      { ...valid, bidWon: 1.5 },
      { ...valid, offerIds: [] },
      { ...valid, offerIds: ['not an id'] },
      { ...valid, schedule: { kind: 'daily', start: '10:00', end: '10:00' } },
      { ...valid, timeZone: 'Mars/Olympus' },
      { ...valid, extra: true },
      { ...valid, validFrom: '2026-03-02T00:00:00Z', validUntil: '2026-03-01T00:00:00Z' },
    ]) {
      expect(campaignInputSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('needs a keyword or a category, and a budget that pays at least one click', () => {
    const input = campaignInputSchema.parse({ ...valid, keywords: [], dailyBudgetWon: 100 });
    expect(campaignRuleViolations(input).map((violation) => violation.path)).toEqual([
      'keywords',
      'dailyBudgetWon',
    ]);
  });
});

describe('which campaigns may be shown', () => {
  it('a paused, suspended (itself or its seller), out-of-schedule or out-of-budget campaign is not', () => {
    expect(ineligibility(campaign({ campaignId: 'c' }), open, now)).toBeUndefined();
    expect(ineligibility(campaign({ campaignId: 'c', status: 'paused' }), open, now)).toBe('paused');
    expect(ineligibility(campaign({ campaignId: 'c', suspended: true }), open, now)).toBe('suspended');
    expect(
      ineligibility(campaign({ campaignId: 'c' }), { ...open, suspendedSellers: new Set(['s1']) }, now),
    ).toBe('suspended');
    expect(
      ineligibility(
        campaign({ campaignId: 'c', schedule: { kind: 'daily', start: '18:00', end: '22:00' } }),
        open,
        now,
      ),
    ).toBe('out_of_schedule');
    expect(ineligibility(campaign({ campaignId: 'c', validUntil: '2026-03-02T02:59:59Z' }), open, now)).toBe(
      'out_of_schedule',
    );
  });

  it('a budget that cannot pay one more whole bid is spent', () => {
    const c = campaign({ campaignId: 'c', bidWon: 100, dailyBudgetWon: 1_000 });
    expect(ineligibility(c, { ...open, spentToday: new Map([['c', 900]]) }, now)).toBeUndefined();
    expect(ineligibility(c, { ...open, spentToday: new Map([['c', 901]]) }, now)).toBe('out_of_budget');
    expect(ineligibility(c, { ...open, spentToday: new Map([['c', 1_000]]) }, now)).toBe('out_of_budget');
  });
});

describe('relevance', () => {
  const c = campaign({ campaignId: 'c', keywords: ['running shoes', 'sneakers'] });

  it('of a search keyword: 1 for a targeted keyword, 0.5 for a shared word, else 0', () => {
    expect(keywordRelevance(c, 'running shoes')).toBe(1);
    expect(keywordRelevance(c, 'sneakers')).toBe(1);
    expect(keywordRelevance(c, 'shoes')).toBe(0.5);
    expect(keywordRelevance(c, 'white sneakers')).toBe(0.5);
    expect(keywordRelevance(c, 'laptop')).toBe(0);
  });

  it('of a product group: 1 for a targeted category, 0.5 for a keyword in its name, else 0', () => {
    const targeted = campaign({ campaignId: 'c', keywords: ['sneakers'], categories: ['shoes'] });
    expect(groupRelevance(targeted, { groupId: 'g', category: 'shoes', name: 'Anything' })).toBe(1);
    expect(groupRelevance(targeted, { groupId: 'g', category: 'bags', name: 'White Sneakers 2' })).toBe(0.5);
    expect(groupRelevance(targeted, { groupId: 'g', category: 'bags', name: 'Tote' })).toBe(0);
  });
});

describe('the campaign index', () => {
  it('finds exactly the relevant campaigns, with the relevance the rules give', () => {
    const campaigns = [
      campaign({ campaignId: 'a', keywords: ['running shoes', 'sneakers'] }),
      campaign({ campaignId: 'b', keywords: ['shoes'], categories: ['shoes'] }),
      campaign({ campaignId: 'c', keywords: [], categories: ['bags'] }),
      campaign({ campaignId: 'd', keywords: ['white tote bag'] }),
    ];
    const index = new CampaignIndex(campaigns);
    const asPairs = (found: Map<Campaign, number>) =>
      [...found].map(([c, relevance]) => [c.campaignId, relevance]).sort();
    for (const keyword of ['running shoes', 'shoes', 'sneakers', 'bag', 'white sneakers', 'laptop']) {
      const expected = campaigns
        .map((c) => [c.campaignId, keywordRelevance(c, keyword)] as const)
        .filter(([, relevance]) => relevance > 0);
      expect(asPairs(index.forKeyword(keyword))).toEqual([...expected].sort());
    }
    for (const group of [
      { groupId: 'g', category: 'shoes', name: 'Sneakers 2' },
      { groupId: 'g', category: 'bags', name: 'Big bag' },
      { groupId: 'g', category: 'none', name: 'Nothing' },
    ]) {
      const expected = campaigns
        .map((c) => [c.campaignId, groupRelevance(c, group)] as const)
        .filter(([, relevance]) => relevance > 0);
      expect(asPairs(index.forGroup(group))).toEqual([...expected].sort());
    }
  });
});

describe('ranking', () => {
  const exact = (c: Campaign) => keywordRelevance(c, 'running shoes');
  const cheap = campaign({ campaignId: 'cheap', sellerId: 'a', bidWon: 100 });
  const rich = campaign({ campaignId: 'rich', sellerId: 'b', bidWon: 300 });
  const partial = campaign({ campaignId: 'partial', sellerId: 'c', bidWon: 500, keywords: ['shoes'] });

  it('orders by bid × relevance × quality, equal scores by campaign id', () => {
    const quality = new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]);
    const ranked = rankCampaigns([cheap, rich, partial], exact, quality, open, now);
    expect(ranked.map(({ campaign: c, score }) => [c.campaignId, score])).toEqual([
      ['rich', 300],
      ['partial', 250],
      ['cheap', 100],
    ]);
    const twin = campaign({ campaignId: 'a-twin', sellerId: 'a', bidWon: 100 });
    expect(
      rankCampaigns([cheap, twin], exact, quality, open, now).map(({ campaign: c }) => c.campaignId),
    ).toEqual(['a-twin', 'cheap']);
  });

  it('a quality below 1 lowers a campaign, 0 (or none) never shows it', () => {
    const quality = new Map([
      ['a', 1],
      ['b', 0.2],
      ['c', 0],
    ]);
    const ranked = rankCampaigns([cheap, rich, partial], exact, quality, open, now);
    expect(ranked.map(({ campaign: c, score }) => [c.campaignId, score])).toEqual([
      ['cheap', 100],
      ['rich', 60],
    ]);
    expect(rankCampaigns([cheap], exact, new Map(), open, now)).toEqual([]);
  });

  it('leaves out what may not be shown and what is not relevant', () => {
    const quality = new Map([['a', 1]]);
    const unrelated = campaign({ campaignId: 'other', sellerId: 'a', keywords: ['laptop'] });
    const paused = campaign({ campaignId: 'paused', sellerId: 'a', status: 'paused' });
    expect(rankCampaigns([unrelated, paused], exact, quality, open, now)).toEqual([]);
  });
});

describe('choosing the slots', () => {
  it('takes ranked campaigns in order, each with its first listed offer not already shown', () => {
    const first = campaign({
      campaignId: 'first',
      offers: [
        { offerId: 'gone', groupId: 'g1' },
        { offerId: 'o1', groupId: 'g1' },
      ],
    });
    const second = campaign({ campaignId: 'second', offers: [{ offerId: 'o1', groupId: 'g1' }] });
    const third = campaign({ campaignId: 'third', offers: [{ offerId: 'o3', groupId: 'g3' }] });
    const listed = new Map([
      ['o1', slotOffer('o1')],
      ['o3', slotOffer('o3', 'g3')],
    ]);
    const ranked = [first, second, third].map((c) => ({ campaign: c, score: 1 }));
    expect(
      chooseAds(ranked, listed, 2).map(({ campaign: c, offer }) => [c.campaignId, offer.offerId]),
    ).toEqual([
      ['first', 'o1'],
      ['third', 'o3'],
    ]);
    expect(chooseAds(ranked, listed, 1)).toHaveLength(1);
  });
});

describe('default content', () => {
  const page = [
    { groupId: 'g1', offers: [summary('a1'), summary('a2', { discount: 500, promotionId: 'p' })] },
    { groupId: 'g2', offers: [summary('b1'), summary('b2', { discount: 900, promotionId: 'p' })] },
  ];

  it("is the page's promoted offers, largest discount first, then each group's cheapest", () => {
    expect(defaultContent(page, 3).map((offer) => [offer.offerId, offer.groupId])).toEqual([
      ['b2', 'g2'],
      ['a2', 'g1'],
      ['a1', 'g1'],
    ]);
    expect(defaultContent(page, 5).map((offer) => offer.offerId)).toEqual(['b2', 'a2', 'a1', 'b1']);
  });

  it('never repeats an offer already in a slot, and is empty only when the page has nothing', () => {
    expect(defaultContent(page, 2, new Set(['b2'])).map((offer) => offer.offerId)).toEqual(['a2', 'a1']);
    expect(defaultContent([], 2)).toEqual([]);
    expect(defaultContent(page, 0)).toEqual([]);
  });
});

describe('click names', () => {
  it('are one per visitor, ad and window', () => {
    const id = clickIdOf('c', 'o', 'visitor', now);
    expect(clickIdOf('c', 'o', 'visitor', new Date(now.getTime() + 1_000))).toBe(id);
    expect(clickIdOf('c', 'o', 'other', now)).not.toBe(id);
    expect(clickIdOf('c', 'o2', 'visitor', now)).not.toBe(id);
    expect(clickIdOf('c', 'o', 'visitor', new Date(now.getTime() + clickWindowSeconds * 1000))).not.toBe(id);
  });

  it('are remembered until the end of their window', () => {
    const windowStart = new Date(
      Math.floor(now.getTime() / 1000 / clickWindowSeconds) * clickWindowSeconds * 1000,
    );
    expect(secondsLeftInWindow(windowStart)).toBe(clickWindowSeconds);
    expect(secondsLeftInWindow(new Date(windowStart.getTime() + 60_000))).toBe(clickWindowSeconds - 60);
  });
});
