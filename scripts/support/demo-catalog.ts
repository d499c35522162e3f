/**
 * The demo catalog, generated deterministically: the same options give the same offers, byte for
 * byte. Product groups are products (a noun, a brand, a variant, a model number) sold by several
 * sellers each, at prices spread around the product's own level; keywords are Korean and English,
 * so the common ones find hundreds of groups and combinations find a few.
 */
import type { Offer } from '../../shared/domain/catalog';

export interface DemoCatalogOptions {
  groups: number;
  offersPerGroup: number;
  sellers: number;
}

export const defaultDemoCatalog: DemoCatalogOptions = { groups: 10_000, offersPerGroup: 10, sellers: 300 };

/** [korean, english, category, lowest and highest typical price in won] */
const products: readonly [string, string, string, number, number][] = [
  ['노트북', 'laptop', 'electronics', 400_000, 3_000_000],
  ['이어폰', 'earphones', 'electronics', 15_000, 400_000],
  ['헤드폰', 'headphones', 'electronics', 30_000, 600_000],
  ['스마트폰', 'smartphone', 'electronics', 200_000, 2_000_000],
  ['태블릿', 'tablet', 'electronics', 150_000, 1_800_000],
  ['모니터', 'monitor', 'electronics', 120_000, 1_500_000],
  ['키보드', 'keyboard', 'electronics', 20_000, 300_000],
  ['마우스', 'mouse', 'electronics', 8_000, 150_000],
  ['충전기', 'charger', 'electronics', 9_000, 90_000],
  ['스피커', 'speaker', 'electronics', 25_000, 700_000],
  ['운동화', 'sneakers', 'fashion', 40_000, 300_000],
  ['티셔츠', 't-shirt', 'fashion', 9_000, 80_000],
  ['청바지', 'jeans', 'fashion', 30_000, 200_000],
  ['패딩', 'padded jacket', 'fashion', 80_000, 900_000],
  ['가방', 'bag', 'fashion', 25_000, 1_200_000],
  ['선크림', 'sunscreen', 'beauty', 9_000, 45_000],
  ['립스틱', 'lipstick', 'beauty', 12_000, 60_000],
  ['샴푸', 'shampoo', 'beauty', 6_000, 40_000],
  ['향수', 'perfume', 'beauty', 30_000, 350_000],
  ['커피', 'coffee', 'food', 6_000, 60_000],
  ['녹차', 'green tea', 'food', 5_000, 50_000],
  ['라면', 'ramen', 'food', 3_000, 25_000],
  ['김치', 'kimchi', 'food', 8_000, 70_000],
  ['생수', 'water', 'food', 4_000, 20_000],
  ['견과류', 'nuts', 'food', 9_000, 60_000],
  ['냄비', 'pot', 'home', 15_000, 250_000],
  ['프라이팬', 'frying pan', 'home', 12_000, 180_000],
  ['이불', 'duvet', 'home', 30_000, 400_000],
  ['베개', 'pillow', 'home', 10_000, 150_000],
  ['청소기', 'vacuum cleaner', 'home', 80_000, 1_200_000],
  ['공기청정기', 'air purifier', 'home', 90_000, 900_000],
  ['요가매트', 'yoga mat', 'sports', 10_000, 90_000],
  ['덤벨', 'dumbbell', 'sports', 12_000, 200_000],
  ['자전거', 'bicycle', 'sports', 150_000, 2_500_000],
  ['텐트', 'tent', 'sports', 60_000, 1_000_000],
  ['소설', 'novel', 'books', 9_000, 25_000],
  ['그림책', 'picture book', 'books', 8_000, 30_000],
  ['레고', 'lego', 'toys', 15_000, 600_000],
  ['인형', 'doll', 'toys', 9_000, 120_000],
  ['보드게임', 'board game', 'toys', 15_000, 90_000],
];

const variants: readonly [string, string][] = [
  ['무선', 'wireless'],
  ['미니', 'mini'],
  ['프리미엄', 'premium'],
  ['대용량', 'large'],
  ['초경량', 'ultralight'],
  ['유기농', 'organic'],
  ['휴대용', 'portable'],
  ['방수', 'waterproof'],
];

const brands = ['hanbit', 'saebom', 'daon', 'nuri', 'haneul', 'gaon', 'arum', 'bora', 'dasom', 'maru'];

/** mulberry32: a small seeded generator, so every run draws the same numbers. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const roundTo = (value: number, step: number) => Math.max(step, Math.round(value / step) * step);

/** The keywords most demo groups share, for trying search and for benchmarks. */
export const demoKeywords: string[] = [];
for (const [korean, english] of products.slice(0, 10)) demoKeywords.push(korean, english);

export const seededAt = '2026-01-01T00:00:00.000Z';

/** The offers of one product group; groups are independent, so any slice can be generated alone. */
export function demoGroup(index: number, options: DemoCatalogOptions = defaultDemoCatalog): Offer[] {
  const next = mulberry32(index + 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const [korean, english, category, low, high] = pick(products);
  const brand = pick(brands);
  const variant = next() < 0.6 ? pick(variants) : undefined;
  const model = `${brand.slice(0, 2).toUpperCase()}-${pad(Math.floor(next() * 10_000), 4)}`;
  const groupId = `g${pad(index + 1, 5)}`;
  const title = [brand, variant?.[1], english, model].filter(Boolean).join(' ');
  const keywords = [
    korean,
    english,
    brand,
    ...(variant ? [`${variant[0]} ${korean}`, `${variant[1]} ${english}`] : []),
  ];
  // Log-uniform: as many cheap products as dear ones within the noun's range.
  const level = low * (high / low) ** next();
  const firstSeller = Math.floor(next() * options.sellers);
  return Array.from({ length: options.offersPerGroup }, (_, n) => {
    const price = roundTo(level * (0.75 + next() * 0.5), 10);
    const shipping = next();
    const seller = (firstSeller + n * 7) % options.sellers;
    return {
      groupId,
      offerId: `o${pad(index + 1, 5)}-${pad(n + 1, 2)}`,
      sellerId: `seller-${pad(seller + 1, 3)}`,
      sku: `${model}-S${pad(seller + 1, 3)}`,
      title: `${title} (${korean})`,
      keywords: [...new Set(keywords.slice(0, 2 + Math.floor(next() * (keywords.length - 1))))],
      category,
      price,
      shippingFee: shipping < 0.4 ? 0 : shipping < 0.7 ? 2_500 : 3_000,
      stock: next() < 0.08 ? 0 : 1 + Math.floor(next() * 500),
      unitCost: roundTo(price * (0.6 + next() * 0.25), 10),
      url: `https://seller-${pad(seller + 1, 3)}.example/products/${groupId}`,
      version: 1,
      removed: false,
      updatedAt: seededAt,
    };
  });
}
