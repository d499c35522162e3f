import { type Offer, summaryOf } from '../../../shared/domain/catalog';
import {
  byLowestTotalPrice,
  groupResult,
  keywordsOfGroup,
  type LivePromotions,
  marketplaceDay,
  promotionalFloor,
  promotionalPage,
  promotionsFor,
  relatedPairs,
  suggestPrefixes,
} from '../../../shared/domain/search';

function offer(offerId: string, price: number, shippingFee: number, changes: Partial<Offer> = {}): Offer {
  return {
    offerId,
    groupId: 'g',
    sellerId: `seller-${offerId}`,
    sku: 'sku',
    title: 'Product',
    keywords: ['product'],
    category: 'c',
    price,
    shippingFee,
    stock: 1,
    unitCost: 1,
    url: 'https://seller.example/',
    version: 1,
    removed: false,
    updatedAt: '2026-11-24T00:00:00.000Z',
    ...changes,
  };
}

describe('a group in search', () => {
  it('shows its listed offers cheapest total first, shipping included, equal totals by offer id', () => {
    const result = groupResult(
      'g',
      [
        offer('c', 9_000, 3_000),
        offer('b', 10_000, 0),
        offer('a', 7_000, 3_000),
        offer('d', 1_000, 0, { stock: 0 }),
      ],
      2,
    );
    expect(result).toMatchObject({ groupId: 'g', lowestTotalPrice: 10_000, offerCount: 3 });
    expect(result?.offers.map((o) => o.offerId)).toEqual(['a', 'b']);
  });

  it('does not appear when nothing of it is listed', () => {
    expect(groupResult('g', [offer('a', 1, 0, { removed: true, stock: 0 })], 10)).toBeUndefined();
  });

  it('is found by the keywords of its listed offers only', () => {
    const keywords = keywordsOfGroup([
      offer('a', 1, 0, { keywords: ['x', 'y'] }),
      offer('b', 1, 0, { keywords: ['z'], stock: 0 }),
    ]);
    expect([...keywords].sort()).toEqual(['x', 'y']);
  });

  it('ranks groups by lowest total price, then by id like Redis', () => {
    const groups = [
      { groupId: 'b', lowestTotalPrice: 5 },
      { groupId: 'a', lowestTotalPrice: 5 },
      { groupId: 'c', lowestTotalPrice: 1 },
    ];
    expect(groups.sort(byLowestTotalPrice).map((group) => group.groupId)).toEqual(['c', 'a', 'b']);
  });
});

describe('keyword insights', () => {
  it('indexes prefixes by character, Korean included, up to 12', () => {
    expect(suggestPrefixes('노트북')).toEqual(['노', '노트', '노트북']);
    expect(suggestPrefixes('abcdefghijklmnop')).toHaveLength(12);
  });

  it('relates a keyword to the visitor’s earlier different keywords, both ways', () => {
    expect(relatedPairs('laptop', ['mouse', 'laptop', 'mouse'])).toEqual([
      ['laptop', 'mouse'],
      ['mouse', 'laptop'],
    ]);
  });

  it('counts days in Asia/Seoul', () => {
    expect(marketplaceDay(new Date('2026-11-24T14:59:59Z'))).toBe('2026-11-24');
    expect(marketplaceDay(new Date('2026-11-24T15:00:00Z'))).toBe('2026-11-25');
  });

  it('is right for any order of instants, within a minute and across one', () => {
    expect(marketplaceDay(new Date('2026-11-24T14:59:00.000Z'))).toBe('2026-11-24');
    expect(marketplaceDay(new Date('2026-11-24T14:59:59.999Z'))).toBe('2026-11-24');
    expect(marketplaceDay(new Date('2026-11-24T15:00:00.000Z'))).toBe('2026-11-25');
    expect(marketplaceDay(new Date('2026-11-24T14:59:30.000Z'))).toBe('2026-11-24');
    expect(marketplaceDay(new Date('2027-01-01T00:00:00.000Z'))).toBe('2027-01-01');
  });
});

describe('search under promotions', () => {
  const tenPercent: LivePromotions = [
    { promotionId: 'all10', scope: { kind: 'all' }, discount: { kind: 'percent', percent: 10 } },
  ];
  const onSellerB: LivePromotions = [
    {
      promotionId: 'b3000',
      scope: { kind: 'seller', sellerId: 'seller-b' },
      discount: { kind: 'fixed', won: 3_000 },
    },
  ];
  // Read in list order: a (10,000), b (11,000), c (12,000) of 4 listed.
  const read = [offer('a', 10_000, 0), offer('b', 11_000, 0), offer('c', 12_000, 0)].map(summaryOf);

  it('prices and ranks by the total after the best promotion', () => {
    const group = groupResult('g', [offer('a', 10_000, 0), offer('b', 11_000, 0)], 10, onSellerB);
    expect(group?.offers.map((o) => [o.offerId, o.discount, o.promotionId, o.totalPrice])).toEqual([
      ['b', 3_000, 'b3000', 8_000],
      ['a', 0, null, 10_000],
    ]);
    expect(group?.lowestTotalPrice).toBe(8_000);
  });

  it('floors what an unread offer can cost by the largest discount any promotion could give', () => {
    expect(promotionalFloor(12_000, [])).toBe(12_000);
    expect(promotionalFloor(12_000, tenPercent)).toBe(10_800);
    expect(promotionalFloor(12_000, [...tenPercent, ...onSellerB])).toBe(9_000);
  });

  it('is complete once no unread offer can still be among the cheapest', () => {
    // The cheapest after 10%: 9,000; an unread offer costs at least 12,000 less 10% = 10,800.
    expect(promotionalPage('g', read, 4, tenPercent, 1)).toMatchObject({ complete: true });
    // The third cheapest is 10,800, and the fourth could cost as little: read on.
    expect(promotionalPage('g', read, 4, tenPercent, 3).complete).toBe(false);
    // An unread offer could cost 12,000 less 3,000 = 9,000: below a's 10,000 (second), not b's 8,000 (first).
    expect(promotionalPage('g', read, 4, onSellerB, 2).complete).toBe(false);
    expect(promotionalPage('g', read, 4, onSellerB, 1)).toMatchObject({
      complete: true,
      offers: [expect.objectContaining({ offerId: 'b', totalPrice: 8_000 })],
    });
    // Everything read, or no promotion for this group: list order is the answer.
    expect(promotionalPage('g', read, 3, tenPercent, 3).complete).toBe(true);
    expect(promotionalPage('g', read, 4, [], 3).complete).toBe(true);
  });

  it("leaves other groups' promotions out of a group's prices and bounds", () => {
    const onGroupH: LivePromotions = [
      { promotionId: 'h', scope: { kind: 'group', groupId: 'h' }, discount: { kind: 'fixed', won: 5_000 } },
    ];
    expect(promotionsFor('g', [...onGroupH, ...tenPercent])).toEqual(tenPercent);
    expect(promotionalPage('g', read, 4, onGroupH, 3)).toMatchObject({ complete: true });
    expect(promotionalPage('g', read, 4, onGroupH, 3).offers.every((o) => o.discount === 0)).toBe(true);
  });
});
