/**
 * Open-loop load: when each request is sent is fixed before the run, whatever the answers take, so
 * a slow server meets the load it would meet from real visitors instead of slowing the load down.
 */

export interface RampShape {
  /** Requests per second before the ramp. */
  baseRate: number;
  /** Requests per second once the ramp is over. */
  peakRate: number;
  /** When the ramp starts, and how long it takes, in seconds. */
  rampStartS: number;
  rampS: number;
  /** No request is sent at or after this second. */
  endS: number;
}

/**
 * Send times (ms, ascending) of requests at `baseRate`, then linearly more during the ramp, then
 * `peakRate` until `endS`: request i is sent when i requests' worth of the rate has elapsed, so
 * the count is the rate's integral and the spacing follows the rate exactly.
 */
export function rampSchedule(shape: RampShape): number[] {
  const { baseRate, peakRate, rampStartS, rampS, endS } = shape;
  const beforeRamp = baseRate * rampStartS;
  // Requests during the ramp: the rate grows by `slope` per second from baseRate.
  const slope = rampS > 0 ? (peakRate - baseRate) / rampS : 0;
  const duringRamp = ((baseRate + peakRate) / 2) * rampS;
  const secondOf = (index: number) => {
    if (index < beforeRamp) return index / baseRate;
    const intoRamp = index - beforeRamp;
    if (intoRamp < duringRamp) {
      // baseRate*t + slope*t^2/2 = intoRamp, solved for t.
      const t =
        slope === 0
          ? intoRamp / baseRate
          : (-baseRate + Math.sqrt(baseRate ** 2 + 2 * slope * intoRamp)) / slope;
      return rampStartS + t;
    }
    return rampStartS + rampS + (intoRamp - duringRamp) / peakRate;
  };
  const times: number[] = [];
  for (let index = 0; ; index += 1) {
    const second = secondOf(index);
    if (second >= endS) return times;
    times.push(second * 1_000);
  }
}

/** `count` send times (ms) spread evenly over [fromS, fromS + overS). */
export function spreadEvenly(count: number, fromS: number, overS: number): number[] {
  return Array.from({ length: count }, (_, index) => (fromS + (overS * index) / count) * 1_000);
}
