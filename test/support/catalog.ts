/** Offers for tests: unique ids and keywords per test, so tests never see each other's data. */
import { randomUUID } from 'node:crypto';
import type { Offer, OfferInput } from '../../shared/domain/catalog';

/** A short unique token for ids and keywords of one test. */
export const uniqueToken = () => randomUUID().replaceAll('-', '').slice(0, 10);

export function offerInput(overrides: Partial<OfferInput> & Pick<OfferInput, 'groupId'>): OfferInput {
  return {
    sku: 'SKU-1',
    title: 'Test product',
    keywords: ['test'],
    category: 'test',
    price: 10_000,
    shippingFee: 0,
    stock: 5,
    unitCost: 7_000,
    url: 'https://seller.example/offer',
    ...overrides,
  };
}

export function offer(overrides: Partial<Offer> & Pick<Offer, 'offerId' | 'groupId'>): Offer {
  return {
    ...offerInput({ groupId: overrides.groupId }),
    sellerId: 'seller-1',
    version: 1,
    removed: false,
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}
