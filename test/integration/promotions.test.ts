/**
 * Promotions on the real stack, with the clock injected: search ranks by promotional prices while a
 * promotion runs and by list prices the instant it ends; checkout charges what search showed and
 * puts the promotion on the order; unit limits hold under concurrent buyers; a failed payment
 * gives its promoted units back.
 */
import { randomUUID } from 'node:crypto';
import { upsertOffer } from '../../shared/catalog/offers';
import type { PromotionInput } from '../../shared/domain/promotion';
import { closeDynamo } from '../../shared/dynamo/client';
import { findOffer } from '../../shared/dynamo/offer-store';
import { usageOf } from '../../shared/dynamo/promotion-store';
import { closeKafka } from '../../shared/kafka/client';
import { checkout } from '../../shared/orders/checkout';
import { sandboxCards } from '../../shared/payments/sandbox';
import { endPromotion, putPromotion } from '../../shared/promotions/admin';
import { closeRedis } from '../../shared/redis/client';
import { applyOffer } from '../../shared/redis/price-cache';
import { lowestPriceByKeyword, offersOfGroupByPrice } from '../../shared/search/lowest-price';
import { offerInput, uniqueToken } from '../support/catalog';
import { storedMember } from '../support/members';

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
});

// 10:00-12:00 in Seoul (UTC+9) is 01:00-03:00 UTC.
const during = new Date('2026-12-02T02:30:00Z');
const lastSecond = new Date('2026-12-02T02:59:59Z');
const ended = new Date('2026-12-02T03:00:00Z');

const morningSlot = (
  scope: PromotionInput['scope'],
  extra: Partial<PromotionInput> = {},
): PromotionInput => ({
  name: 'Morning deal',
  schedule: { kind: 'daily', start: '10:00', end: '12:00' },
  timeZone: 'Asia/Seoul',
  scope,
  discount: { kind: 'percent', percent: 20, maxWon: 5_000 },
  limits: {},
  ...extra,
});

/** An offer stored, announced and in the cache, as the catalog and the cache updater leave it. */
async function listed(sellerId: string, offerId: string, input: Parameters<typeof offerInput>[0]) {
  const { offer } = await upsertOffer(sellerId, offerId, offerInput(input));
  await applyOffer(offer);
  return offer;
}

const member = storedMember;

const orderOf = (offerId: string, quantity = 1, cardNumber: string = sandboxCards.approved) => ({
  items: [{ offerId, quantity }],
  shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '04524', line1: 'Busan' },
  payment: { method: 'card' as const, cardNumber, expiryMonth: 12, expiryYear: 2030 },
});

const search = (keyword: string, now: Date) =>
  lowestPriceByKeyword({ keyword, offset: 0, limit: 10, offersPerGroup: 10, now });

const ranking = async (keyword: string, now: Date) =>
  (await search(keyword, now)).groups.map((group) => [group.groupId, group.lowestTotalPrice]);

describe('a promotion in search', () => {
  it('ranks by the promotional price while it runs and by the list price from the second it ends', async () => {
    const t = uniqueToken();
    const keyword = `promo${t}`;
    const promoted = `gp${t}`;
    const plain = `gq${t}`;
    await listed('seller-p', `op${t}`, {
      groupId: promoted,
      keywords: [keyword],
      price: 10_000,
      shippingFee: 500,
    });
    await listed('seller-p', `oq${t}`, {
      groupId: plain,
      keywords: [keyword],
      price: 9_000,
      shippingFee: 500,
    });
    await putPromotion(`morning${t}`, morningSlot({ kind: 'group', groupId: promoted }));

    expect(await ranking(keyword, during)).toEqual([
      [promoted, 8_500],
      [plain, 9_500],
    ]);
    expect(await ranking(keyword, lastSecond)).toEqual([
      [promoted, 8_500],
      [plain, 9_500],
    ]);
    expect(await ranking(keyword, ended)).toEqual([
      [plain, 9_500],
      [promoted, 10_500],
    ]);
    const [shown] = (await search(keyword, during)).groups[0]?.offers ?? [];
    expect(shown).toMatchObject({
      price: 10_000,
      discount: 2_000,
      promotionId: `morning${t}`,
      totalPrice: 8_500,
    });
  });

  it('reorders the offers of a group, reading past its first page when a promotion lifts one from further down', async () => {
    const t = uniqueToken();
    const keyword = `deep${t}`;
    const groupId = `gd${t}`;
    // Twelve offers from 10,000 up; the dearest one's seller runs a fixed 5,000-won promotion.
    for (let index = 0; index < 12; index += 1) {
      await listed(index === 11 ? `seller-x${t}` : 'seller-d', `od${index}${t}`, {
        groupId,
        keywords: [keyword],
        price: 10_000 + index * 200,
      });
    }
    await putPromotion(
      `seller${t}`,
      morningSlot({ kind: 'seller', sellerId: `seller-x${t}` }, { discount: { kind: 'fixed', won: 5_000 } }),
    );
    const [group] = (await search(keyword, during)).groups;
    expect(group?.lowestTotalPrice).toBe(7_200);
    expect(group?.offers[0]).toMatchObject({ offerId: `od11${t}`, discount: 5_000, totalPrice: 7_200 });
    expect(group?.offers).toHaveLength(10);

    const comparison = await offersOfGroupByPrice(groupId, 0, 3, during);
    expect(comparison?.offers.map((offer) => offer.offerId)).toEqual([`od11${t}`, `od0${t}`, `od1${t}`]);
    const afterwards = await offersOfGroupByPrice(groupId, 0, 3, ended);
    expect(afterwards?.offers.map((offer) => offer.offerId)).toEqual([`od0${t}`, `od1${t}`, `od2${t}`]);
  });

  it('lifts a group from past the first page to the top when its own promotion makes it cheapest', async () => {
    const t = uniqueToken();
    const keyword = `lift${t}`;
    for (let index = 0; index < 15; index += 1) {
      await listed('seller-g', `og${index}${t}`, {
        groupId: `g${index}${t}`,
        keywords: [keyword],
        price: 10_000 + index,
      });
    }
    await listed('seller-g', `ofar${t}`, { groupId: `gfar${t}`, keywords: [keyword], price: 30_000 });
    await putPromotion(
      `lift${t}`,
      morningSlot({ kind: 'group', groupId: `gfar${t}` }, { discount: { kind: 'fixed', won: 25_000 } }),
    );
    const { groups, totalGroups } = await search(keyword, during);
    expect(totalGroups).toBe(16);
    expect(groups.map((group) => group.groupId)).toEqual([
      `gfar${t}`,
      ...Array.from({ length: 9 }, (_, i) => `g${i}${t}`),
    ]);
    expect(groups[0]?.lowestTotalPrice).toBe(5_000);
    expect((await search(keyword, ended)).groups.map((group) => group.groupId)).toEqual(
      Array.from({ length: 10 }, (_, i) => `g${i}${t}`),
    );
  });

  it('gives each offer the one promotion that is best for the buyer, never two', async () => {
    const t = uniqueToken();
    const keyword = `best${t}`;
    const groupId = `gb${t}`;
    await listed('seller-b', `ob${t}`, { groupId, keywords: [keyword], price: 50_000, category: `cat${t}` });
    await putPromotion(`pct${t}`, morningSlot({ kind: 'group', groupId })); // 20% capped at 5,000
    await putPromotion(
      `fix${t}`,
      morningSlot({ kind: 'category', category: `cat${t}` }, { discount: { kind: 'fixed', won: 3_000 } }),
    );
    const [offer] = (await search(keyword, during)).groups[0]?.offers ?? [];
    expect(offer).toMatchObject({ discount: 5_000, promotionId: `pct${t}`, totalPrice: 45_000 });
    await endPromotion(`pct${t}`);
    const [after] = (await search(keyword, during)).groups[0]?.offers ?? [];
    expect(after).toMatchObject({ discount: 3_000, promotionId: `fix${t}` });
  });
});

describe('a promotion at checkout', () => {
  it('charges the promotional price while it runs and the list price once it has ended', async () => {
    const t = uniqueToken();
    const groupId = `gc${t}`;
    await listed('seller-c', `oc${t}`, { groupId, price: 12_000, shippingFee: 2_500, stock: 10 });
    await putPromotion(`checkout${t}`, morningSlot({ kind: 'group', groupId }));
    const buyer = await member();

    const { order } = await checkout(buyer, randomUUID(), orderOf(`oc${t}`, 2), { now: lastSecond });
    expect(order.status).toBe('paid');
    expect(order.items[0]).toMatchObject({
      unitPrice: 12_000,
      unitDiscount: 2_400,
      promotionId: `checkout${t}`,
    });
    expect(order.amounts).toEqual({ items: 24_000, discount: 4_800, shipping: 2_500, total: 21_700 });

    const { order: late } = await checkout(buyer, randomUUID(), orderOf(`oc${t}`, 1), { now: ended });
    expect(late.items[0]).toMatchObject({ unitDiscount: 0, promotionId: null });
    expect(late.amounts.total).toBe(14_500);
  });

  it('never sells more promoted units than the total limit, however many buyers race for them', async () => {
    const t = uniqueToken();
    const groupId = `gl${t}`;
    const offerId = `ol${t}`;
    await listed('seller-l', offerId, { groupId, price: 20_000, stock: 40 });
    await putPromotion(`limited${t}`, morningSlot({ kind: 'group', groupId }, { limits: { totalUnits: 5 } }));
    const buyers = await Promise.all(Array.from({ length: 16 }, member));

    const results = await Promise.allSettled(
      buyers.map((buyer) => checkout(buyer, randomUUID(), orderOf(offerId), { now: during })),
    );
    const orders = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value.order] : []));
    const refused = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    const promoted = orders.filter((order) => order.items[0]?.promotionId === `limited${t}`);
    expect(promoted).toHaveLength(5);
    for (const order of orders) expect(order.status).toBe('paid');
    // Whoever lost the race for the last units is told so, and nothing else fails.
    for (const reason of refused)
      expect(reason).toMatchObject({ statusCode: 409, code: 'promotion_limit_reached' });
    expect((await usageOf([`limited${t}`], buyers[0] ?? '')).get(`limited${t}`)?.total).toBe(5);
    expect((await findOffer(offerId))?.stock).toBe(40 - orders.length);

    // Sold out: search stops showing the price and the next buyer pays the list price.
    const next = await checkout(await member(), randomUUID(), orderOf(offerId), { now: during });
    expect(next.order.items[0]).toMatchObject({ unitDiscount: 0, promotionId: null });
  });

  it('holds each member to the per-member limit, even with concurrent orders', async () => {
    const t = uniqueToken();
    const groupId = `gm${t}`;
    const offerId = `om${t}`;
    await listed('seller-m', offerId, { groupId, price: 8_000, stock: 40 });
    await putPromotion(
      `permember${t}`,
      morningSlot({ kind: 'group', groupId }, { limits: { perMemberUnits: 2 } }),
    );
    const buyer = await member();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => checkout(buyer, randomUUID(), orderOf(offerId), { now: during })),
    );
    const promoted = results.filter(
      (result) =>
        result.status === 'fulfilled' && result.value.order.items[0]?.promotionId === `permember${t}`,
    );
    expect(promoted.length).toBeLessThanOrEqual(2);
    expect((await usageOf([`permember${t}`], buyer)).get(`permember${t}`)?.member).toBe(promoted.length);
    // One order of 3 units is over the limit on its own: the buyer pays the list price for all 3.
    const other = await member();
    const { order } = await checkout(other, randomUUID(), orderOf(offerId, 3), { now: during });
    expect(order.items[0]).toMatchObject({ unitDiscount: 0, promotionId: null });
    const { order: two } = await checkout(other, randomUUID(), orderOf(offerId, 2), { now: during });
    expect(two.items[0]).toMatchObject({ unitDiscount: 1_600, promotionId: `permember${t}` });
  });

  it('gives the promoted units back when the payment is declined', async () => {
    const t = uniqueToken();
    const groupId = `gf${t}`;
    const offerId = `of${t}`;
    await listed('seller-f', offerId, { groupId, price: 30_000, stock: 5 });
    await putPromotion(
      `declined${t}`,
      morningSlot({ kind: 'group', groupId }, { limits: { totalUnits: 1 } }),
    );
    const buyer = await member();
    const declined = await checkout(buyer, randomUUID(), orderOf(offerId, 1, sandboxCards.declined), {
      now: during,
    });
    expect(declined.order).toMatchObject({ status: 'payment_failed' });
    expect(declined.order.items[0]?.promotionId).toBe(`declined${t}`);
    expect((await usageOf([`declined${t}`], buyer)).get(`declined${t}`)).toEqual({ total: 0, member: 0 });
    const { order } = await checkout(buyer, randomUUID(), orderOf(offerId), { now: during });
    expect(order.items[0]?.promotionId).toBe(`declined${t}`);
  });
});
