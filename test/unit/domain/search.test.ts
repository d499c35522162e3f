import type { Offer } from '../../../shared/domain/catalog';
import {
  byLowestTotalPrice,
  groupResult,
  keywordsOfGroup,
  marketplaceDay,
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
});
