/** The flash sale's open-loop load: search requests at a rate that ramps up, buyers spread over the ramp. */
import { rampSchedule, spreadEvenly } from '../../../bench/support/load-schedule';

const perSecond = (times: number[], endS: number) =>
  Array.from({ length: endS }, (_, second) => times.filter((ms) => Math.floor(ms / 1_000) === second).length);

describe('a ramp schedule', () => {
  const shape = { baseRate: 20, peakRate: 200, rampStartS: 10, rampS: 3, endS: 20 };
  const times = rampSchedule(shape);

  it('sends the rate integral: base, then the ramp, then the peak', () => {
    expect(times).toHaveLength(20 * 10 + ((20 + 200) / 2) * 3 + 200 * 7);
  });

  it('holds the base rate, grows during the ramp and holds the peak', () => {
    const counts = perSecond(times, 20);
    expect(counts.slice(0, 10)).toEqual(Array(10).fill(20));
    expect(counts.slice(10, 13)).toEqual([50, 110, 170]);
    expect(counts.slice(13)).toEqual(Array(7).fill(200));
  });

  it('is ascending, starts at 0 and ends before the end', () => {
    expect(times[0]).toBe(0);
    expect(times.every((ms, index) => index === 0 || ms > (times[index - 1] ?? 0))).toBe(true);
    expect(Math.max(...times)).toBeLessThan(20_000);
  });

  it('is a steady rate when there is nothing to ramp', () => {
    const steady = rampSchedule({ baseRate: 5, peakRate: 5, rampStartS: 2, rampS: 3, endS: 6 });
    expect(steady).toHaveLength(30);
    expect(steady[11]).toBeCloseTo(2_200);
  });
});

describe('spreading buyers', () => {
  it('spaces them evenly over the window', () => {
    expect(spreadEvenly(4, 10, 2)).toEqual([10_000, 10_500, 11_000, 11_500]);
    expect(spreadEvenly(0, 10, 2)).toEqual([]);
  });
});
