/**
 * Promotions: when one runs (a schedule read on the wall clock of its own time zone, inside an
 * optional validity window), which offers it covers, and how much it takes off a unit. Pure: no
 * storage, no clock of its own; `now` is always passed in.
 */
import * as z from 'zod';
import { catalogId, compareIds } from './catalog';
import { text } from './text';

const startTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'hh:mm, 00:00 to 23:59');
// An end may also be the end of the day itself.
const endTime = z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'hh:mm, 00:00 to 24:00');

// Weekly and monthly slots are whole days unless told otherwise.
const wholeDays = { start: startTime.default('00:00'), end: endTime.default('24:00') };

const unique = (values: readonly number[]) => new Set(values).size === values.length;

// February has 29 days here: '02-29' is a day of the leap years.
const daysPerMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const monthDay = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'MM-DD')
  .refine(
    (value) => Number(value.slice(3)) <= (daysPerMonth[Number(value.slice(0, 2)) - 1] ?? 0),
    'not a day of that month',
  );

// A day of the month, or -1 for the month's last day whichever it is.
const monthDate = z.union([z.int().min(1).max(31), z.literal(-1)]);

export const promotionScheduleSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('daily'), start: startTime, end: endTime }),
    z.strictObject({
      kind: z.literal('weekly'),
      days: z.array(z.int().min(1).max(7)).min(1).refine(unique, 'each day once'),
      ...wholeDays,
    }),
    z.strictObject({
      kind: z.literal('monthly'),
      dates: z.array(monthDate).min(1).refine(unique, 'each date once'),
      ...wholeDays,
    }),
    z.strictObject({ kind: z.literal('yearly'), from: monthDay, to: monthDay }),
  ])
  // A slot of zero length would be meaningless, and reading it as a whole day would surprise someone.
  .refine((schedule) => schedule.kind === 'yearly' || schedule.start !== schedule.end, {
    message: 'start and end must differ',
    path: ['end'],
  });
export type PromotionSchedule = z.output<typeof promotionScheduleSchema>;

export const promotionScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('all') }),
  // Shaped like the offer fields they are compared with, so a scope that can match nothing is refused.
  z.strictObject({ kind: z.literal('category'), category: text(100) }),
  z.strictObject({ kind: z.literal('seller'), sellerId: z.string().min(1).max(64) }),
  z.strictObject({ kind: z.literal('group'), groupId: catalogId }),
]);
export type PromotionScope = z.output<typeof promotionScopeSchema>;

export const promotionDiscountSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('percent'),
    percent: z.int().min(1).max(90),
    maxWon: z.int().min(1).max(1_000_000_000).optional(),
  }),
  z.strictObject({ kind: z.literal('fixed'), won: z.int().min(1).max(1_000_000_000) }),
]);
export type PromotionDiscount = z.output<typeof promotionDiscountSchema>;

export const defaultPromotionTimeZone = 'Asia/Seoul';

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().refine(isTimeZone, 'an IANA time zone, e.g. Asia/Seoul');
export const instantSchema = z.iso.datetime({ offset: true });
const units = (max: number) => z.int().min(1).max(max).optional();

/** What an admin sends to create or replace a promotion (PUT /promotions/{promotionId}). */
export const promotionInputSchema = z
  .strictObject({
    name: text(100),
    schedule: promotionScheduleSchema,
    timeZone: timeZoneSchema.default(defaultPromotionTimeZone),
    scope: promotionScopeSchema,
    discount: promotionDiscountSchema,
    limits: z.strictObject({ perMemberUnits: units(1_000_000), totalUnits: units(100_000_000) }).default({}),
    /** The promotion never applies before this instant. */
    validFrom: instantSchema.optional(),
    /** Nor at or after this one. */
    validUntil: instantSchema.optional(),
  })
  // Compared as instants, not as strings: the two may be written with different offsets.
  .refine(
    ({ validFrom, validUntil }) =>
      !validFrom || !validUntil || Date.parse(validFrom) < Date.parse(validUntil),
    { message: 'validFrom must be before validUntil', path: ['validUntil'] },
  );
export type PromotionInput = z.output<typeof promotionInputSchema>;

export interface Promotion extends PromotionInput {
  promotionId: string;
  /** Incremented by every change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What a promotion needs to know of an offer. */
export interface PromotableOffer {
  offerId: string;
  groupId: string;
  sellerId: string;
  category: string;
  price: number;
}

type Timed = Pick<Promotion, 'schedule' | 'timeZone' | 'validFrom' | 'validUntil'>;

type LocalDay = { year: number; month: number; day: number };

type WallClock = { date: LocalDay; minutes: number };

// Building a formatter costs far more than using one, and using one far more than a look-up; this
// runs for every request. Every time zone's offset is a whole number of minutes, so an instant's
// wall clock (to the minute) is the same all through its UTC minute: the last one is kept per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
const lastWallClock = new Map<string, { minute: number; clock: WallClock }>();

function wallClock(now: Date, timeZone: string): WallClock {
  const minute = Math.floor(now.getTime() / 60_000);
  const last = lastWallClock.get(timeZone);
  if (last?.minute === minute) return last.clock;
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const clock = {
    date: { year: part('year'), month: part('month'), day: part('day') },
    minutes: part('hour') * 60 + part('minute'),
  };
  lastWallClock.set(timeZone, { minute, clock });
  return clock;
}

// Calendar arithmetic on a local date goes through UTC, where every day has 24 hours.
const civil = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day));
const daysInMonth = (year: number, month: number) => civil(year, month + 1, 0).getUTCDate();
const isoWeekday = (date: LocalDay) => civil(date.year, date.month, date.day).getUTCDay() || 7;

function dayBefore(date: LocalDay): LocalDay {
  const before = civil(date.year, date.month, date.day - 1);
  return { year: before.getUTCFullYear(), month: before.getUTCMonth() + 1, day: before.getUTCDate() };
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

function isListed(schedule: Exclude<PromotionSchedule, { kind: 'yearly' }>, date: LocalDay): boolean {
  switch (schedule.kind) {
    case 'daily':
      return true;
    case 'weekly':
      return schedule.days.includes(isoWeekday(date));
    case 'monthly':
      // A date the month lacks simply never comes up; -1 is whichever day ends the month.
      return (
        schedule.dates.includes(date.day) ||
        (schedule.dates.includes(-1) && date.day === daysInMonth(date.year, date.month))
      );
  }
}

function inYearlyRange(range: { from: string; to: string }, date: LocalDay): boolean {
  const day = `${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
  // 'MM-DD' sorts like the calendar, and '02-29' falls between Feb 28 and Mar 1 whether or not the
  // year has it: outside leap years a range from Feb 29 starts on Mar 1 and one to it ends on Feb 28.
  return range.from <= range.to ? range.from <= day && day <= range.to : day >= range.from || day <= range.to;
}

/** Whether the promotion's schedule (in its own time zone) and validity window include `now`. */
export function isActiveAt(promotion: Timed, now: Date): boolean {
  const time = now.getTime();
  if (promotion.validFrom !== undefined && time < Date.parse(promotion.validFrom)) return false;
  if (promotion.validUntil !== undefined && time >= Date.parse(promotion.validUntil)) return false;
  const { schedule } = promotion;
  const { date, minutes } = wallClock(now, promotion.timeZone);
  if (schedule.kind === 'yearly') return inYearlyRange(schedule, date);
  const start = minutesOf(schedule.start);
  const end = minutesOf(schedule.end);
  if (start < end) return start <= minutes && minutes < end && isListed(schedule, date);
  // The slot crosses midnight: its tail belongs to the day it started on.
  return (
    (minutes >= start && isListed(schedule, date)) || (minutes < end && isListed(schedule, dayBefore(date)))
  );
}

/** The promotions of the list active at `now`. */
export function activePromotions<P extends Timed>(promotions: readonly P[], now: Date): P[] {
  return promotions.filter((promotion) => isActiveAt(promotion, now));
}

/** Whether the promotion's scope covers the offer. */
export function appliesTo(
  promotion: Pick<Promotion, 'scope'>,
  offer: Pick<PromotableOffer, 'groupId' | 'sellerId' | 'category'>,
): boolean {
  const { scope } = promotion;
  switch (scope.kind) {
    case 'all':
      return true;
    case 'category':
      return scope.category === offer.category;
    case 'seller':
      return scope.sellerId === offer.sellerId;
    case 'group':
      return scope.groupId === offer.groupId;
  }
}

/**
 * Won off one unit at this price: floor(price*percent/100) capped by maxWon, or the fixed amount;
 * never more than the price; an integer >= 0.
 */
export function unitDiscountOf(discount: PromotionDiscount, price: number): number {
  const whole = Math.max(0, Math.floor(price));
  const off =
    discount.kind === 'fixed'
      ? discount.won
      : Math.min(Math.floor((whole * discount.percent) / 100), discount.maxWon ?? Number.POSITIVE_INFINITY);
  return Math.min(whole, off);
}

/**
 * The promotion that gives the buyer the best price for the offer among `promotions` (callers pass
 * the ones active now and still available), one promotion per item, never stacked. Ties: the lower
 * promotionId (byte-wise) wins, so every function picks the same one. undefined when none applies
 * or the best discount is 0.
 */
export function bestPromotion(
  promotions: readonly Pick<Promotion, 'promotionId' | 'scope' | 'discount'>[],
  offer: PromotableOffer,
): { promotionId: string; unitDiscount: number } | undefined {
  const [best] = promotions
    .filter((promotion) => appliesTo(promotion, offer))
    .map(({ promotionId, discount }) => ({
      promotionId,
      unitDiscount: unitDiscountOf(discount, offer.price),
    }))
    .sort((a, b) => b.unitDiscount - a.unitDiscount || compareIds(a.promotionId, b.promotionId));
  return best !== undefined && best.unitDiscount > 0 ? best : undefined;
}

/**
 * The largest unit discount any of `promotions` could give an offer whose price is at most `price`,
 * whatever its scope (used by search to bound how far a promotion can move a ranking). Non-decreasing
 * in price, and price minus it is non-decreasing in price too (over whole-won prices).
 */
export function maxUnitDiscount(promotions: readonly Pick<Promotion, 'discount'>[], price: number): number {
  // A unit discount never shrinks as the price grows, so the cheaper offers need no look.
  return promotions.reduce((max, promotion) => Math.max(max, unitDiscountOf(promotion.discount, price)), 0);
}
