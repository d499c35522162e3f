import {
  isListed,
  nextOffer,
  normalizeKeyword,
  type Offer,
  offerInputSchema,
  removedOffer,
  totalPrice,
} from '../../../shared/domain/catalog';

const input = {
  groupId: 'g-1',
  sku: 'SKU-1',
  title: 'Laptop 14',
  keywords: ['Laptop', ' 노트북 ', 'laptop'],
  category: 'computers',
  price: 1_000_000,
  shippingFee: 3_000,
  stock: 3,
  unitCost: 800_000,
  url: 'https://seller.example/laptop',
};

describe('offer input', () => {
  it('folds keywords and drops their duplicates', () => {
    expect(offerInputSchema.parse(input).keywords).toEqual(['laptop', '노트북']);
    expect(normalizeKeyword('  Ｌａｐｔｏｐ   Case ')).toBe('laptop case');
  });

  it.each([
    ['a negative price', { price: -1 }],
    ['a fractional price', { price: 10.5 }],
    ['a price as a string', { price: '1000' }],
    ['negative stock', { stock: -1 }],
    ['an unknown field', { discount: 10 }],
    ['a blank keyword', { keywords: ['  '] }],
    ['no keywords', { keywords: [] }],
    ['a title over 200 characters', { title: 'x'.repeat(201) }],
    ['a non-http URL', { url: 'javascript:alert(1)' }],
    ['a group id with a brace', { groupId: 'g{1}' }],
  ])('rejects %s', (_, change) => {
    expect(offerInputSchema.safeParse({ ...input, ...change }).success).toBe(false);
  });
});

describe('offer versions', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  const first = nextOffer(undefined, offerInputSchema.parse(input), { offerId: 'o-1', sellerId: 's-1' }, now);

  it('starts at version 1 and counts every change', () => {
    expect(first).toMatchObject({ offerId: 'o-1', sellerId: 's-1', version: 1, removed: false });
    const second = nextOffer(first, { ...first, price: 900_000 }, { offerId: 'o-1', sellerId: 's-1' }, now);
    expect(second.version).toBe(2);
    expect(removedOffer(second, now)).toMatchObject({ version: 3, removed: true, stock: 0 });
  });

  it('lists an offer only while it is in stock and not removed', () => {
    expect(isListed(first)).toBe(true);
    expect(isListed({ ...first, stock: 0 })).toBe(false);
    expect(isListed(removedOffer(first, now))).toBe(false);
  });

  it('compares total prices, shipping included', () => {
    expect(totalPrice(first as Offer)).toBe(1_003_000);
  });
});
