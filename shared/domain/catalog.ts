/**
 * A seller's offer: one seller's listing of a product group (the same product sold by many sellers).
 * Money and stock are integers in won. An offer is listed (shown by search) while it is not removed
 * and has stock; its total price, what buyers compare, is price plus shipping fee.
 */
import * as z from 'zod';
import { notBlank, text } from './text';

/** Ids of offers, groups and sellers: URL- and Redis-key-safe, compared byte-wise everywhere. */
export const catalogId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-", at most 64 characters');

const won = z.int().min(0).max(1_000_000_000);

export const maxKeywordLength = 50;

/** A keyword as search matches it: trimmed, case- and width-folded, inner whitespace collapsed. */
export function normalizeKeyword(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** A keyword as sent: at most 50 characters, one not blank, and at most 50 once folded. */
export const keywordSchema = z
  .string()
  .max(maxKeywordLength)
  .regex(notBlank, 'must not be blank')
  .describe(`At most ${maxKeywordLength} characters, also once folded (NFKC, lower case)`)
  .transform(normalizeKeyword)
  .refine(
    (keyword) => keyword.length <= maxKeywordLength,
    `at most ${maxKeywordLength} characters once folded`,
  );

/** What a seller sends to create or replace an offer. */
export const offerInputSchema = z.strictObject({
  groupId: catalogId,
  sku: text(64),
  title: text(200),
  keywords: z
    .array(keywordSchema)
    .min(1)
    .max(20)
    .transform((keywords) => [...new Set(keywords)]),
  category: text(100),
  price: won,
  shippingFee: won,
  stock: z.int().min(0).max(10_000_000),
  unitCost: won,
  url: z.url({ protocol: /^https?$/ }).max(2_000),
});

export type OfferInput = z.output<typeof offerInputSchema>;

export interface Offer extends OfferInput {
  offerId: string;
  sellerId: string;
  /** Incremented by every change; an event carries it so an older one never overwrites a newer one. */
  version: number;
  /** A removed offer stays as a tombstone with its last version. */
  removed: boolean;
  updatedAt: string;
}

/** What search shows of an offer. */
export interface OfferSummary {
  offerId: string;
  sellerId: string;
  title: string;
  category: string;
  price: number;
  shippingFee: number;
  /** Won off the price under the promotion that gives the best price now; 0 without one. */
  discount: number;
  promotionId: string | null;
  /** What the buyer pays: price less discount, plus shipping. What offers are ranked by. */
  totalPrice: number;
  url: string;
}

export function totalPrice(offer: Pick<Offer, 'price' | 'shippingFee'>): number {
  return offer.price + offer.shippingFee;
}

/** Whether search shows the offer: not removed and in stock. */
export function isListed(offer: Pick<Offer, 'removed' | 'stock'>): boolean {
  return !offer.removed && offer.stock > 0;
}

/** What search shows of an offer at its list price. */
export function summaryOf(offer: Offer): OfferSummary {
  return {
    offerId: offer.offerId,
    sellerId: offer.sellerId,
    title: offer.title,
    category: offer.category,
    price: offer.price,
    shippingFee: offer.shippingFee,
    discount: 0,
    promotionId: null,
    totalPrice: totalPrice(offer),
    url: offer.url,
  };
}

/** Cheapest total first; equal totals by offer id, the order Redis keeps equal scores in. */
export function byTotalPrice(a: OfferSummary, b: OfferSummary): number {
  return a.totalPrice - b.totalPrice || compareIds(a.offerId, b.offerId);
}

/** Byte-wise order of ASCII ids, the order of equal-score members in a Redis sorted set. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The offer after a seller's upsert: the next version of the current one, or the first. */
export function nextOffer(
  current: Offer | undefined,
  input: OfferInput,
  ids: { offerId: string; sellerId: string },
  now: Date,
): Offer {
  return {
    ...input,
    offerId: ids.offerId,
    sellerId: ids.sellerId,
    version: (current?.version ?? 0) + 1,
    removed: false,
    updatedAt: now.toISOString(),
  };
}

/** The tombstone a removal leaves. */
export function removedOffer(current: Offer, now: Date): Offer {
  return { ...current, removed: true, stock: 0, version: current.version + 1, updatedAt: now.toISOString() };
}

/** Catalog event types on the catalog topic, keyed by product group. */
export const offerEventTypes = { upserted: 'OfferUpserted', removed: 'OfferRemoved' } as const;

/**
 * An offer as stored and announced. Its stock is not bounded by what a seller may enter at once:
 * units held by open orders come back on top of it when those orders are cancelled, fail or are
 * returned (a seller may have listed the maximum meanwhile), and those units exist.
 */
export const offerSchema = offerInputSchema.extend({
  stock: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  offerId: catalogId,
  sellerId: z.string().min(1).max(64),
  keywords: z.array(z.string().min(1).max(50)).max(20),
  version: z.int().positive(),
  removed: z.boolean(),
  updatedAt: z.iso.datetime({ offset: true }),
});
