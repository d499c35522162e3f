/** Promotion rules: when a promotion runs, what it covers, and which one a buyer gets. */
import {
  activePromotions,
  appliesTo,
  bestPromotion,
  isActiveAt,
  maxUnitDiscount,
  type PromotableOffer,
  type PromotionDiscount,
  type PromotionScope,
  promotionInputSchema,
  promotionScheduleSchema,
  unitDiscountOf,
} from '../../../shared/domain/promotion';

/** A Seoul wall-clock time, 'YYYY-MM-DD hh:mm', as an instant. */
const seoul = (local: string) => new Date(`${local.replace(' ', 'T')}:00+09:00`);

const timed = (schedule: unknown, timeZone = 'Asia/Seoul') => ({
  schedule: promotionScheduleSchema.parse(schedule),
  timeZone,
});

const wholeDay = { kind: 'daily', start: '00:00', end: '24:00' };

describe('schedules, on the Seoul wall clock', () => {
  it.each([
    ['a night slot', { kind: 'daily', start: '00:00', end: '09:00' }, '2026-05-01 00:00', true],
    ['a night slot', { kind: 'daily', start: '00:00', end: '09:00' }, '2026-05-01 08:59', true],
    ['a night slot', { kind: 'daily', start: '00:00', end: '09:00' }, '2026-05-01 09:00', false],
    ['a night slot', { kind: 'daily', start: '00:00', end: '09:00' }, '2026-04-30 23:59', false],
    ['an evening slot', { kind: 'daily', start: '18:00', end: '24:00' }, '2026-05-01 17:59', false],
    ['an evening slot', { kind: 'daily', start: '18:00', end: '24:00' }, '2026-05-01 18:00', true],
    ['an evening slot', { kind: 'daily', start: '18:00', end: '24:00' }, '2026-05-01 23:59', true],
    ['an evening slot', { kind: 'daily', start: '18:00', end: '24:00' }, '2026-05-02 00:00', false],
    ['a slot ending at 00:00', { kind: 'daily', start: '22:00', end: '00:00' }, '2026-05-01 23:59', true],
    ['a slot ending at 00:00', { kind: 'daily', start: '22:00', end: '00:00' }, '2026-05-02 00:00', false],
    ['Mondays', { kind: 'weekly', days: [1] }, '2026-05-31 23:59', false],
    ['Mondays', { kind: 'weekly', days: [1] }, '2026-06-01 00:00', true],
    ['Mondays', { kind: 'weekly', days: [1] }, '2026-06-01 23:59', true],
    ['Mondays', { kind: 'weekly', days: [1] }, '2026-06-02 00:00', false],
    ['Sundays', { kind: 'weekly', days: [7] }, '2026-05-31 12:00', true],
    ['Sundays', { kind: 'weekly', days: [7] }, '2026-06-01 12:00', false],
  ])('%s: at %s is %s', (_name, schedule, local, active) => {
    expect(isActiveAt(timed(schedule), seoul(local as string))).toBe(active);
  });

  // 2026-05-01 is a Friday.
  it.each([
    ['Friday 21:59', '2026-05-01 21:59', false],
    ['Friday 22:00', '2026-05-01 22:00', true],
    ['Saturday 01:59', '2026-05-02 01:59', true],
    ['Saturday 02:00', '2026-05-02 02:00', false],
    ['Saturday 22:00', '2026-05-02 22:00', false],
    ['Thursday 23:00', '2026-04-30 23:00', false],
    ['Friday 01:00, the tail of Thursday', '2026-05-01 01:00', false],
  ])('runs a Friday 22:00-02:00 slot into Saturday: %s', (_name, local, active) => {
    const fridayNights = timed({ kind: 'weekly', days: [5], start: '22:00', end: '02:00' });
    expect(isActiveAt(fridayNights, seoul(local))).toBe(active);
  });

  it.each([
    ['March 31', '2026-03-31 12:00', true],
    ['April 30, 23:59', '2026-04-30 23:59', false],
    ['May 1, 00:00', '2026-05-01 00:00', false],
    ['May 31', '2026-05-31 00:00', true],
  ])('skips months without a 31st: %s', (_name, local, active) => {
    expect(isActiveAt(timed({ kind: 'monthly', dates: [31] }), seoul(local))).toBe(active);
  });

  it('carries a night slot of the 31st over to the next month, but only from a month that has one', () => {
    const nights = timed({ kind: 'monthly', dates: [31], start: '22:00', end: '02:00' });
    expect(isActiveAt(nights, seoul('2026-04-01 01:59'))).toBe(true);
    expect(isActiveAt(nights, seoul('2026-05-01 01:00'))).toBe(false);
  });

  it.each([
    ['Feb 29 2028', '2028-02-29 12:00', true],
    ['Feb 28 2027', '2027-02-28 12:00', true],
    ['Feb 28 2028', '2028-02-28 12:00', false],
    ['Feb 27 2027', '2027-02-27 12:00', false],
    ['Apr 30 2026', '2026-04-30 12:00', true],
    ['May 30 2026', '2026-05-30 12:00', false],
  ])("reads -1 as the month's last day: %s", (_name, local, active) => {
    expect(isActiveAt(timed({ kind: 'monthly', dates: [-1] }), seoul(local))).toBe(active);
  });

  it("takes the day before the 1st from the previous month, and the previous year's Dec 31 on Jan 1", () => {
    const lastNights = timed({ kind: 'monthly', dates: [-1], start: '23:00', end: '01:00' });
    expect(isActiveAt(lastNights, seoul('2027-01-01 00:30'))).toBe(true);
    expect(isActiveAt(lastNights, seoul('2027-01-01 01:00'))).toBe(false);
    expect(isActiveAt(lastNights, seoul('2026-03-01 00:30'))).toBe(true);
    expect(isActiveAt(lastNights, seoul('2028-02-29 00:30'))).toBe(false);
  });

  it.each([
    ['02-29', '03-01', '2027-02-28 23:59', false],
    ['02-29', '03-01', '2027-03-01 00:00', true],
    ['02-29', '03-01', '2027-03-01 23:59', true],
    ['02-29', '03-01', '2027-03-02 00:00', false],
    ['02-29', '03-01', '2028-02-28 23:59', false],
    ['02-29', '03-01', '2028-02-29 00:00', true],
    ['02-29', '03-01', '2028-03-01 23:59', true],
    ['02-29', '03-01', '2028-03-02 00:00', false],
    ['02-28', '02-29', '2027-02-28 12:00', true],
    ['02-28', '02-29', '2027-03-01 00:00', false],
    ['02-28', '02-29', '2028-02-29 23:59', true],
    ['02-29', '02-29', '2027-02-28 12:00', false],
    ['02-29', '02-29', '2027-03-01 12:00', false],
    ['02-29', '02-29', '2027-07-01 12:00', false],
    ['02-29', '02-29', '2028-02-29 12:00', true],
  ])('around leap days, yearly %s..%s at %s is %s', (from, to, local, active) => {
    expect(isActiveAt(timed({ kind: 'yearly', from, to }), seoul(local))).toBe(active);
  });

  it.each([
    ['2026-12-23 23:59', false],
    ['2026-12-24 00:00', true],
    ['2026-12-31 23:59', true],
    ['2027-01-01 00:00', true],
    ['2027-01-02 23:59', true],
    ['2027-01-03 00:00', false],
    ['2027-07-01 12:00', false],
  ])('wraps a yearly 12-24..01-02 over the year end: %s is %s', (local, active) => {
    expect(isActiveAt(timed({ kind: 'yearly', from: '12-24', to: '01-02' }), seoul(local))).toBe(active);
  });
});

describe('time zones', () => {
  const newYearsDay = { kind: 'yearly', from: '01-01', to: '01-01' };

  it('reads the schedule in the promotion’s zone: 15:00 UTC on Dec 31 is already Jan 1 in Seoul', () => {
    expect(isActiveAt(timed(newYearsDay), new Date('2026-12-31T14:59:59Z'))).toBe(false);
    expect(isActiveAt(timed(newYearsDay), new Date('2026-12-31T15:00:00Z'))).toBe(true);
    expect(isActiveAt(timed(newYearsDay, 'UTC'), new Date('2026-12-31T15:00:00Z'))).toBe(false);
    expect(isActiveAt(timed(newYearsDay, 'UTC'), new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });

  it('defaults to Asia/Seoul', () => {
    const input = promotionInputSchema.parse({
      name: 'New Year',
      schedule: newYearsDay,
      scope: { kind: 'all' },
      discount: { kind: 'fixed', won: 1_000 },
    });
    expect(input.timeZone).toBe('Asia/Seoul');
    expect(isActiveAt(input, new Date('2026-12-31T15:00:00Z'))).toBe(true);
  });

  it('follows the wall clock across a spring-forward: an hour that is skipped never runs', () => {
    const skippedHour = timed({ kind: 'daily', start: '02:00', end: '03:00' }, 'America/New_York');
    // New York jumps from 01:59 EST to 03:00 EDT at 07:00 UTC on 2026-03-08.
    for (let minute = 0; minute < 6 * 60; minute += 1) {
      const now = new Date(Date.parse('2026-03-08T04:00:00Z') + minute * 60_000);
      expect(isActiveAt(skippedHour, now)).toBe(false);
    }
    expect(isActiveAt(skippedHour, new Date('2026-03-07T07:30:00Z'))).toBe(true);

    const morning = timed({ kind: 'daily', start: '09:00', end: '10:00' }, 'America/New_York');
    expect(isActiveAt(morning, new Date('2026-03-07T14:30:00Z'))).toBe(true);
    expect(isActiveAt(morning, new Date('2026-03-08T13:30:00Z'))).toBe(true);
    expect(isActiveAt(morning, new Date('2026-03-08T14:30:00Z'))).toBe(false);
  });

  it('runs a repeated hour twice across a fall-back', () => {
    const repeatedHour = timed({ kind: 'daily', start: '01:00', end: '02:00' }, 'America/New_York');
    expect(isActiveAt(repeatedHour, new Date('2026-11-01T05:30:00Z'))).toBe(true);
    expect(isActiveAt(repeatedHour, new Date('2026-11-01T06:30:00Z'))).toBe(true);
    expect(isActiveAt(repeatedHour, new Date('2026-11-01T07:00:00Z'))).toBe(false);
  });
});

describe('validity window', () => {
  const window = {
    ...timed(wholeDay),
    validFrom: '2026-05-01T10:00:00+09:00',
    validUntil: '2026-05-02T01:00:00Z',
  };
  const at = (iso: string, shiftMs = 0) => new Date(Date.parse(iso) + shiftMs);

  it('starts at validFrom and stops at validUntil, whatever offsets they are written with', () => {
    expect(isActiveAt(window, at('2026-05-01T01:00:00Z', -1))).toBe(false);
    expect(isActiveAt(window, at('2026-05-01T01:00:00Z'))).toBe(true);
    expect(isActiveAt(window, at('2026-05-02T10:00:00+09:00', -1))).toBe(true);
    expect(isActiveAt(window, at('2026-05-02T10:00:00+09:00'))).toBe(false);
  });

  it('bounds one side when only one is given', () => {
    const { validUntil: _, ...fromOnly } = window;
    expect(isActiveAt(fromOnly, at('2099-01-01T00:00:00Z'))).toBe(true);
    expect(isActiveAt(fromOnly, at('2026-04-30T00:00:00Z'))).toBe(false);
  });

  it('never widens the schedule', () => {
    const mondays = { ...window, ...timed({ kind: 'weekly', days: [1] }) };
    expect(isActiveAt(mondays, seoul('2026-05-01 12:00'))).toBe(false);
  });

  it('keeps the active promotions of a list, in order and with all their fields', () => {
    const list = [
      { promotionId: 'p1', ...window },
      { promotionId: 'p2', ...timed(wholeDay) },
      { promotionId: 'p3', ...timed({ kind: 'weekly', days: [1] }) },
    ];
    expect(activePromotions(list, seoul('2026-05-01 12:00')).map((p) => p.promotionId)).toEqual(['p1', 'p2']);
    expect(activePromotions(list, seoul('2026-05-04 12:00')).map((p) => p.promotionId)).toEqual(['p2', 'p3']);
  });
});

describe('which promotion a buyer gets', () => {
  const offer: PromotableOffer = {
    offerId: 'o1',
    groupId: 'g1',
    sellerId: 's1',
    category: 'computers',
    price: 20_000,
  };
  const promotion = (
    promotionId: string,
    discount: PromotionDiscount,
    scope: PromotionScope = { kind: 'all' },
  ) => ({
    promotionId,
    scope,
    discount,
  });
  const tenPercentUpTo3000 = promotion('p-percent', { kind: 'percent', percent: 10, maxWon: 3_000 });
  const fixed2500 = promotion('p-fixed', { kind: 'fixed', won: 2_500 });

  it.each([
    [{ kind: 'all' }, true],
    [{ kind: 'category', category: 'computers' }, true],
    [{ kind: 'category', category: 'phones' }, false],
    [{ kind: 'seller', sellerId: 's1' }, true],
    [{ kind: 'seller', sellerId: 's2' }, false],
    [{ kind: 'group', groupId: 'g1' }, true],
    [{ kind: 'group', groupId: 'g2' }, false],
  ] as [PromotionScope, boolean][])('scope %o covers the offer: %s', (scope, covered) => {
    expect(appliesTo({ scope }, offer)).toBe(covered);
  });

  it('computes the unit discount in whole won, never above the price', () => {
    expect(unitDiscountOf({ kind: 'percent', percent: 10 }, 12_345)).toBe(1_234);
    expect(unitDiscountOf({ kind: 'percent', percent: 10, maxWon: 3_000 }, 50_000)).toBe(3_000);
    expect(unitDiscountOf({ kind: 'percent', percent: 90 }, 1)).toBe(0);
    expect(unitDiscountOf({ kind: 'fixed', won: 5_000 }, 3_000)).toBe(3_000);
    expect(unitDiscountOf({ kind: 'fixed', won: 5_000 }, 0)).toBe(0);
  });

  it('gives the buyer the better price: fixed 2,500 on 20,000, the capped 10% on 50,000', () => {
    const both = [tenPercentUpTo3000, fixed2500];
    expect(bestPromotion(both, offer)).toEqual({ promotionId: 'p-fixed', unitDiscount: 2_500 });
    expect(bestPromotion(both, { ...offer, price: 50_000 })).toEqual({
      promotionId: 'p-percent',
      unitDiscount: 3_000,
    });
  });

  it('applies one promotion per item, never the sum', () => {
    const three = [tenPercentUpTo3000, fixed2500, promotion('p-small', { kind: 'fixed', won: 500 })];
    expect(bestPromotion(three, offer)?.unitDiscount).toBe(2_500);
  });

  it('ignores promotions whose scope does not cover the offer, however large', () => {
    const otherSeller = promotion(
      'p-big',
      { kind: 'fixed', won: 10_000 },
      { kind: 'seller', sellerId: 's2' },
    );
    const ownCategory = promotion(
      'p-own',
      { kind: 'fixed', won: 1_000 },
      { kind: 'category', category: 'computers' },
    );
    expect(bestPromotion([otherSeller, ownCategory], offer)?.promotionId).toBe('p-own');
    expect(bestPromotion([otherSeller], offer)).toBeUndefined();
  });

  it('breaks ties by the byte-wise lower promotionId, whatever the order of the list', () => {
    const same = { kind: 'fixed', won: 1_000 } as const;
    const [a, b, upper] = [promotion('a', same), promotion('b', same), promotion('B', same)];
    expect(bestPromotion([b, a], offer)?.promotionId).toBe('a');
    expect(bestPromotion([a, b], offer)?.promotionId).toBe('a');
    expect(bestPromotion([a, upper], offer)?.promotionId).toBe('B');
  });

  it('never discounts more than the price, and gives nothing for a discount of 0', () => {
    expect(bestPromotion([promotion('p', { kind: 'fixed', won: 50_000 })], offer)?.unitDiscount).toBe(20_000);
    expect(
      bestPromotion([promotion('p', { kind: 'percent', percent: 50 })], { ...offer, price: 1 }),
    ).toBeUndefined();
    expect(bestPromotion([], offer)).toBeUndefined();
  });
});

describe('maxUnitDiscount', () => {
  const discounts: PromotionDiscount[] = [
    { kind: 'percent', percent: 10, maxWon: 3_000 },
    { kind: 'percent', percent: 7 },
    { kind: 'percent', percent: 90, maxWon: 150 },
    { kind: 'fixed', won: 2_500 },
  ];
  const promotions = discounts.map((discount) => ({ discount }));

  it('bounds every discount at any price up to the given one, and grows with the price no faster than it', () => {
    // Every whole-won price where one of the promises breaks; none should.
    const broken: number[] = [];
    let previous = { bound: 0, rest: 0 };
    for (let price = 0; price <= 60_000; price += 1) {
      const bound = maxUnitDiscount(promotions, price);
      const covers = discounts.every((discount) => unitDiscountOf(discount, price) <= bound);
      if (!covers || bound < previous.bound || price - bound < previous.rest) broken.push(price);
      previous = { bound, rest: price - bound };
    }
    expect(broken).toEqual([]);
  });

  it('is the best discount at that price, and 0 without promotions', () => {
    expect(maxUnitDiscount(promotions, 20_000)).toBe(2_500);
    expect(maxUnitDiscount(promotions, 50_000)).toBe(3_500);
    expect(maxUnitDiscount(promotions, 100)).toBe(100);
    expect(maxUnitDiscount([], 50_000)).toBe(0);
  });
});

describe('promotion input', () => {
  const input = {
    name: '  Friday nights  ',
    schedule: { kind: 'weekly', days: [5], start: '22:00', end: '02:00' },
    scope: { kind: 'category', category: 'computers' },
    discount: { kind: 'percent', percent: 10, maxWon: 3_000 },
  };

  it('trims the name and fills the defaults', () => {
    const parsed = promotionInputSchema.parse({ ...input, schedule: { kind: 'monthly', dates: [1, -1] } });
    expect(parsed).toMatchObject({ name: 'Friday nights', timeZone: 'Asia/Seoul', limits: {} });
    expect(parsed.schedule).toEqual({ kind: 'monthly', dates: [1, -1], start: '00:00', end: '24:00' });
  });

  it.each([
    ['an end of 24:00', { kind: 'daily', start: '18:00', end: '24:00' }],
    ['the whole day spelled out', { kind: 'weekly', days: [7], start: '00:00', end: '24:00' }],
    ['Feb 29', { kind: 'yearly', from: '02-29', to: '02-29' }],
    ['a range over the year end', { kind: 'yearly', from: '12-24', to: '01-02' }],
  ])('accepts %s', (_name, schedule) => {
    expect(promotionInputSchema.safeParse({ ...input, schedule }).success).toBe(true);
  });

  it.each([
    ['a time without a leading zero', { schedule: { kind: 'daily', start: '9:00', end: '10:00' } }],
    ['minute 60', { schedule: { kind: 'daily', start: '12:60', end: '13:00' } }],
    ['an end past 24:00', { schedule: { kind: 'daily', start: '12:00', end: '24:01' } }],
    ['a start of 24:00', { schedule: { kind: 'daily', start: '24:00', end: '02:00' } }],
    ['start equal to end', { schedule: { kind: 'daily', start: '10:00', end: '10:00' } }],
    [
      'a weekly start equal to end',
      { schedule: { kind: 'weekly', days: [1], start: '00:00', end: '00:00' } },
    ],
    ['day 0', { schedule: { kind: 'weekly', days: [0] } }],
    ['day 8', { schedule: { kind: 'weekly', days: [8] } }],
    ['a day twice', { schedule: { kind: 'weekly', days: [1, 1] } }],
    ['no days', { schedule: { kind: 'weekly', days: [] } }],
    ['date 32', { schedule: { kind: 'monthly', dates: [32] } }],
    ['date 0', { schedule: { kind: 'monthly', dates: [0] } }],
    ['date -2', { schedule: { kind: 'monthly', dates: [-2] } }],
    ['Feb 30', { schedule: { kind: 'yearly', from: '02-30', to: '03-01' } }],
    ['Apr 31', { schedule: { kind: 'yearly', from: '01-01', to: '04-31' } }],
    ['month 13', { schedule: { kind: 'yearly', from: '13-01', to: '01-02' } }],
    ['an unknown schedule kind', { schedule: { kind: 'hourly' } }],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }],
    [
      'validFrom equal to validUntil',
      { validFrom: '2026-05-01T00:00:00Z', validUntil: '2026-05-01T09:00:00+09:00' },
    ],
    ['validFrom after validUntil', { validFrom: '2026-05-02T00:00:00Z', validUntil: '2026-05-01T00:00:00Z' }],
    ['a validFrom without an offset', { validFrom: '2026-05-01T00:00:00' }],
    ['percent 0', { discount: { kind: 'percent', percent: 0 } }],
    ['percent 91', { discount: { kind: 'percent', percent: 91 } }],
    ['a fractional percent', { discount: { kind: 'percent', percent: 10.5 } }],
    ['a cap of 0', { discount: { kind: 'percent', percent: 10, maxWon: 0 } }],
    ['a fixed discount of 0', { discount: { kind: 'fixed', won: 0 } }],
    ['a per-member limit of 0', { limits: { perMemberUnits: 0 } }],
    ['a blank name', { name: '   ' }],
    ['a blank category', { scope: { kind: 'category', category: ' ' } }],
    ['an unknown field', { priority: 1 }],
    [
      'an unknown field in the schedule',
      { schedule: { kind: 'daily', start: '10:00', end: '11:00', days: [1] } },
    ],
  ])('refuses %s', (_name, change) => {
    expect(promotionInputSchema.safeParse({ ...input, ...change }).success).toBe(false);
  });
});
