import {
  type CapacitySettings,
  capacityPlan,
  joinedWindows,
  plannedActionPrefix,
  promotionWindows,
} from '../../../shared/domain/capacity';

const hour = 3_600_000;
const settings: CapacitySettings = {
  leadSeconds: 600,
  quietHours: { start: '02:00', end: '06:00', timeZone: 'Asia/Seoul' },
  functions: {
    'peakcart-prod-search-by-keyword': { baseline: 50, quiet: 10, peak: 200 },
    'peakcart-prod-checkout-place-order': { baseline: 20, quiet: 5, peak: 100 },
  },
};
const search = 'peakcart-prod-search-by-keyword';

// 2026-12-02 09:00 in Seoul is 00:00 UTC.
const seoulNine = new Date('2026-12-02T00:00:00Z');
const daily = (start: string, end: string) => ({
  schedule: { kind: 'daily' as const, start, end },
  timeZone: 'Asia/Seoul',
});

describe('promotion windows', () => {
  it('are the active stretches of a daily slot within the horizon, in the promotion time zone', () => {
    const windows = promotionWindows(daily('10:00', '11:00'), seoulNine, 30 * hour);
    expect(windows.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-12-02T01:00:00.000Z', '2026-12-02T02:00:00.000Z'],
      ['2026-12-03T01:00:00.000Z', '2026-12-03T02:00:00.000Z'],
    ]);
  });

  it('start at a validity bound between whole minutes, and one open now starts now', () => {
    const from = new Date('2026-12-02T00:00:20Z');
    const late = { ...daily('00:00', '23:59'), validFrom: '2026-12-02T00:00:45.500Z' };
    expect(promotionWindows(late, from, hour)[0]?.start.toISOString()).toBe('2026-12-02T00:00:45.500Z');
    expect(promotionWindows(daily('08:00', '12:00'), from, hour)[0]?.start).toEqual(from);
  });

  it('cross midnight as one window', () => {
    const [window] = promotionWindows(daily('23:00', '01:00'), seoulNine, 24 * hour);
    expect(window?.start.toISOString()).toBe('2026-12-02T14:00:00.000Z');
    expect(window?.end.toISOString()).toBe('2026-12-02T16:00:00.000Z');
  });

  it('of overlapping or touching promotions join', () => {
    const at = (h: number) => new Date(seoulNine.getTime() + h * hour);
    const joined = joinedWindows([
      { start: at(3), end: at(4) },
      { start: at(1), end: at(2) },
      { start: at(2), end: at(2.5) },
      { start: at(3.5), end: at(5) },
    ]);
    expect(joined).toEqual([
      { start: at(1), end: at(2.5) },
      { start: at(3), end: at(5) },
    ]);
  });
});

describe('the capacity plan', () => {
  it('asks for the peak ahead of each start and goes back to the baseline at its end', () => {
    const plan = capacityPlan([daily('10:00', '11:00')], settings, seoulNine, 24 * hour);
    const forSearch = plan.filter((change) => change.functionName === search);
    expect(forSearch.map(({ at, capacity }) => [at.toISOString(), capacity])).toEqual([
      ['2026-12-02T00:00:00.000Z', 50],
      ['2026-12-02T00:50:00.000Z', 200],
      ['2026-12-02T02:00:00.000Z', 50],
    ]);
    expect(plan).toHaveLength(6);
    for (const { name } of plan) {
      expect(name.startsWith(plannedActionPrefix)).toBe(true);
      expect(name).not.toMatch(/[:/|]/);
      expect(name.length).toBeLessThanOrEqual(256);
    }
  });

  it('ends a promotion in the quiet hours at the quiet capacity, and starts at the quiet one there', () => {
    const night = new Date('2026-12-01T17:30:00Z'); // 02:30 in Seoul
    const plan = capacityPlan([daily('03:00', '04:00')], settings, night, 6 * hour);
    const forSearch = plan.filter((change) => change.functionName === search);
    expect(forSearch.map(({ capacity }) => capacity)).toEqual([10, 200, 10]);
  });

  it('keeps the peak now for a window already open or starting within the lead', () => {
    const open = capacityPlan([daily('08:00', '12:00')], settings, seoulNine, 24 * hour);
    expect(open.find((change) => change.functionName === search)?.capacity).toBe(200);
    const soon = capacityPlan([daily('09:05', '12:00')], settings, seoulNine, 24 * hour);
    expect(soon.filter((change) => change.functionName === search).map((c) => c.capacity)).toEqual([200, 50]);
  });

  it('leaves a window that runs past the horizon without its end, and plans only the current capacity without promotions', () => {
    const plan = capacityPlan([daily('10:00', '11:00')], settings, seoulNine, 1.5 * hour);
    expect(plan.filter((change) => change.name.endsWith('-end'))).toEqual([]);
    expect(capacityPlan([], settings, seoulNine, 24 * hour).map((c) => c.capacity)).toEqual([50, 20]);
  });
});
