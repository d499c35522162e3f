/** The pressure of this process, measured on its own event loop and its own requests (no Redis here). */
import { pressureThresholds } from '../../../shared/domain/traffic';
import {
  currentPressure,
  currentPressureLevel,
  trackInvocation,
  underPressure,
} from '../../../shared/http/middleware/pressure';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Keeps the loop busy for `totalMs` in turns of `turnMs`, as a process with too much to do. */
async function saturate(totalMs: number, turnMs: number): Promise<void> {
  const until = performance.now() + totalMs;
  while (performance.now() < until) {
    block(turnMs);
    await sleep(0);
  }
}

describe('the pressure of this process', () => {
  it('counts running invocations, each once', () => {
    const before = currentPressure().inFlight;
    const done = [trackInvocation(), trackInvocation()];
    expect(currentPressure().inFlight).toBe(before + 2);
    done[0]?.();
    done[0]?.();
    expect(currentPressure().inFlight).toBe(before + 1);
    done[1]?.();
    expect(currentPressure().inFlight).toBe(before);
  });

  it('sees an event loop that is late turn after turn, and forgets it once the process is idle', async () => {
    const done = trackInvocation();
    currentPressure();
    await saturate(1_300, 150);
    const { loopDelayMs } = currentPressure();
    expect(loopDelayMs).toBeGreaterThanOrEqual(pressureThresholds.loopDelayMs[0]);
    expect(currentPressureLevel()).toBeGreaterThanOrEqual(1);
    expect(underPressure()).toBe(true);
    done();
    await sleep(100);
    expect(currentPressure().loopDelayMs).toBe(0);
    expect(underPressure()).toBe(false);
  });

  it('does not take one long turn, like a bundle loading, for overload', async () => {
    const done = trackInvocation();
    currentPressure();
    await sleep(100);
    block(400);
    await sleep(1_000);
    expect(currentPressure().loopDelayMs).toBeLessThan(pressureThresholds.loopDelayMs[0]);
    done();
  });
});
