/**
 * The pressure this container is under (shared/domain/traffic.ts), known without waiting: HTTP
 * invocations running in this process, the event loop's delay over the last second, and the
 * essential invocations running everywhere, as last read from Redis (zero while Redis cannot be
 * reached). The load-shedding middleware reads that count again before a request when it is older
 * than a second (`refreshSharedLoad`), and the request waits for the read, at most the breaker's
 * timeout, so that no read runs on after an answer (on Lambda, a frozen container's).
 *
 * The state lives on globalThis, one measure per process: on Lambda and in the local runtime a
 * process is one container, which runs one invocation at a time; a host that loads several
 * bundles into one process (the unit tests) still measures that process once.
 */
import { type ELDHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { CircuitBreaker, optional } from '../../domain/circuit-breaker';
import { type PressureLevel, type PressureSignals, pressureLevel } from '../../domain/traffic';
import { essentialInFlight } from '../../redis/load';

const resolutionMs = 10;
const windowMs = 1_000;
// Delays measured while nothing ran say nothing about load, and on Lambda the process is frozen
// between invocations, which its timer measures as one very late turn: a window that saw the
// process idle for longer than this, or that nobody read for long, is dropped unread.
const idleGapMs = 50;
const staleWindowMs = 5_000;
const sharedReadEveryMs = 1_000;
export const sharedReadTimeoutMs = 50;

interface ProcessLoad {
  inFlight: number;
  /** When the last running invocation ended (performance.now). */
  idleSince: number;
  histogram: ELDHistogram;
  windowStartedAt: number;
  loopDelayMs: number;
  essentialInFlight: number;
  essentialReadAt: number;
  reading: Promise<void> | undefined;
  redis: CircuitBreaker;
}

const processKey = Symbol.for('peakcart.process-load');

function processLoad(): ProcessLoad {
  const shared = globalThis as { [processKey]?: ProcessLoad };
  if (shared[processKey]) return shared[processKey];
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const load: ProcessLoad = {
    inFlight: 0,
    idleSince: performance.now(),
    histogram,
    windowStartedAt: performance.now(),
    loopDelayMs: 0,
    essentialInFlight: 0,
    essentialReadAt: Number.NEGATIVE_INFINITY,
    reading: undefined,
    // A Redis that fails or does not answer in time counts as no essential load; the requests that
    // wait for the read wait this long at most.
    redis: new CircuitBreaker({ timeoutMs: sharedReadTimeoutMs }),
  };
  shared[processKey] = load;
  return load;
}

/**
 * The median delay of the event loop's turns in the last window, in ms. The median, so that one
 * long turn (a function's bundle loading on its first call) is not taken for overload; only a loop
 * that is late most of the time is.
 */
function loopDelayMs(load: ProcessLoad, now: number): number {
  const { histogram } = load;
  const elapsed = now - load.windowStartedAt;
  const idle = load.inFlight === 0 && now - load.idleSince >= idleGapMs;
  if (!idle && elapsed < windowMs) return load.loopDelayMs;
  load.loopDelayMs =
    idle || elapsed > staleWindowMs
      ? 0
      : // Each sample is the time between two timer turns, the resolution included.
        Math.max(0, histogram.percentile(50) / 1e6 - resolutionMs);
  histogram.reset();
  load.windowStartedAt = now;
  return load.loopDelayMs;
}

/**
 * Reads the essential invocations running everywhere again when the last read is a second old;
 * concurrent requests of the container share one read. Resolves once the read answered, failed or
 * timed out, never rejects.
 */
export function refreshSharedLoad(now = performance.now()): Promise<void> {
  const load = processLoad();
  if (load.reading) return load.reading;
  if (now - load.essentialReadAt < sharedReadEveryMs) return Promise.resolve();
  load.essentialReadAt = now;
  load.reading = optional(
    load.redis,
    () => essentialInFlight(),
    () => 0,
  ).then((count) => {
    load.essentialInFlight = count;
    load.reading = undefined;
  });
  return load.reading;
}

/** The signals now, from what was last measured. */
export function currentPressure(now = performance.now()): PressureSignals {
  const load = processLoad();
  return {
    inFlight: load.inFlight,
    loopDelayMs: loopDelayMs(load, now),
    essentialInFlight: load.essentialInFlight,
  };
}

export function currentPressureLevel(): PressureLevel {
  return pressureLevel(currentPressure());
}

/**
 * Whether non-essential work inside a request (extras of an answer, events for analytics) should
 * be skipped: the first relief under pressure, before any request is refused.
 */
export function underPressure(): boolean {
  return currentPressureLevel() >= 1;
}

/** Counts an HTTP invocation of this process as running; call the answer once it is over. */
export function trackInvocation(): () => void {
  const load = processLoad();
  load.inFlight += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    load.inFlight -= 1;
    if (load.inFlight === 0) load.idleSince = performance.now();
  };
}
