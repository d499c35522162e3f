/**
 * Warm capacity that follows the promotions and the night: the functions a promotion's start hits
 * first get their peak provisioned concurrency a little before each start and go back to their
 * baseline when it ends; in the quiet hours the baseline is lower. The plan is a list of one-shot
 * scheduled actions, each named after what it is for, so planning twice changes nothing.
 */
import { isActiveAt, type Promotion } from './promotion';

export interface FunctionCapacity {
  /** Provisioned concurrency outside promotions and quiet hours. */
  baseline: number;
  /** In the quiet hours. */
  quiet: number;
  /** While a promotion runs (and from `leadSeconds` before its start). */
  peak: number;
}

export interface CapacitySettings {
  /** How long before a promotion's start the peak capacity is asked for. */
  leadSeconds: number;
  /** The wall-clock hours of the quiet time, e.g. 02:00–06:00 in Asia/Seoul. */
  quietHours: { start: string; end: string; timeZone: string };
  /** By deployed function name. */
  functions: Record<string, FunctionCapacity>;
}

export interface ScheduledCapacity {
  /** Unique per promotion, window and function; no ':', '/' or '|' (Application Auto Scaling's rule). */
  name: string;
  functionName: string;
  /** When it applies. */
  at: Date;
  capacity: number;
}

export interface PromotionWindow {
  start: Date;
  end: Date;
}

const minuteMs = 60_000;

type Timed = Pick<Promotion, 'schedule' | 'timeZone' | 'validFrom' | 'validUntil'>;

/**
 * The windows in which the promotion is active, from `from` for `horizonMs`: schedules change
 * state only on whole minutes of their time zone or at their validity bounds, so those are the
 * instants looked at. A window open at `from` starts at `from`; one open at the horizon ends there.
 */
export function promotionWindows(promotion: Timed, from: Date, horizonMs: number): PromotionWindow[] {
  const end = from.getTime() + horizonMs;
  const instants = new Set<number>([from.getTime()]);
  for (let minute = Math.ceil(from.getTime() / minuteMs) * minuteMs; minute < end; minute += minuteMs) {
    instants.add(minute);
  }
  for (const bound of [promotion.validFrom, promotion.validUntil]) {
    const at = bound === undefined ? Number.NaN : Date.parse(bound);
    if (at > from.getTime() && at < end) instants.add(at);
  }
  const windows: PromotionWindow[] = [];
  let openedAt: number | undefined;
  for (const at of [...instants].sort((a, b) => a - b)) {
    const active = isActiveAt(promotion, new Date(at));
    if (active && openedAt === undefined) openedAt = at;
    if (!active && openedAt !== undefined) {
      windows.push({ start: new Date(openedAt), end: new Date(at) });
      openedAt = undefined;
    }
  }
  if (openedAt !== undefined) windows.push({ start: new Date(openedAt), end: new Date(end) });
  return windows;
}

/** Whether `at` falls in the quiet hours of the settings. */
export function inQuietHours(settings: CapacitySettings, at: Date): boolean {
  const { start, end, timeZone } = settings.quietHours;
  return isActiveAt({ schedule: { kind: 'daily', start, end }, timeZone }, at);
}

/** The windows of all the promotions joined: overlapping or touching windows become one. */
export function joinedWindows(windows: readonly PromotionWindow[]): PromotionWindow[] {
  const joined: PromotionWindow[] = [];
  for (const window of [...windows].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const last = joined.at(-1);
    if (last && window.start.getTime() <= last.end.getTime()) {
      if (window.end > last.end) last.end = window.end;
    } else {
      joined.push({ ...window });
    }
  }
  return joined;
}

/** Prefix of every scheduled action a plan makes (the quiet hours' own actions have other names). */
export const plannedActionPrefix = 'promotions-';

/**
 * The scheduled capacity for the promotions over the horizon, per function: what it should have
 * now (its peak while a window is open or starts within `leadSeconds`, else its quiet or baseline
 * capacity), its peak `leadSeconds` before each later start, and at each end whatever its
 * capacity is then. Promotions that overlap share one window, so one's end cannot take the
 * capacity another still needs; a promotion ended early is simply no window any more. A window
 * that ends at the horizon gets no end yet: the next plan covers it.
 */
export function capacityPlan(
  promotions: readonly Timed[],
  settings: CapacitySettings,
  now: Date,
  horizonMs: number,
): ScheduledCapacity[] {
  const plan: ScheduledCapacity[] = [];
  const leadMs = settings.leadSeconds * 1_000;
  const horizonEnd = now.getTime() + horizonMs;
  const windows = joinedWindows(
    promotions.flatMap((promotion) => promotionWindows(promotion, now, horizonMs)),
  );
  const hotNow = windows.some(
    (window) => window.start.getTime() - leadMs <= now.getTime() && now < window.end,
  );
  const offPeak = (capacity: FunctionCapacity, at: Date) =>
    inQuietHours(settings, at) ? capacity.quiet : capacity.baseline;
  for (const [functionName, capacity] of Object.entries(settings.functions)) {
    const current = hotNow ? capacity.peak : offPeak(capacity, now);
    plan.push({
      name: `${plannedActionPrefix}now-${functionName}`,
      functionName,
      at: now,
      capacity: current,
    });
    for (const window of windows) {
      const name = `${plannedActionPrefix}${Math.floor(window.start.getTime() / 1_000)}-${functionName}`;
      const upAt = window.start.getTime() - leadMs;
      if (upAt > now.getTime()) {
        plan.push({ name: `${name}-peak`, functionName, at: new Date(upAt), capacity: capacity.peak });
      }
      if (window.end.getTime() < horizonEnd) {
        plan.push({
          name: `${name}-end`,
          functionName,
          at: window.end,
          capacity: offPeak(capacity, window.end),
        });
      }
    }
  }
  return plan;
}
