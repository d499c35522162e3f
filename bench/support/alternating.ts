/**
 * What the search benchmarks share: their command-line options, and scenarios run in alternating
 * short turns, so that a busy machine slows each scenario alike and their ratio stays meaningful.
 */
import { parseArgs } from 'node:util';
import { isProfileName, loadProfile, type StackProfile } from '../../stack/profiles';

export interface SearchBenchOptions {
  profile: StackProfile;
  duration: number;
  connections: number;
  concurrency: number;
  skipHttp: boolean;
}

/** `--profile --duration --connections --concurrency --skip-http`, with the benchmark's defaults. */
export function readSearchBenchOptions(defaults: {
  duration: number;
  connections: number;
}): SearchBenchOptions {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string', default: 'dev' },
      duration: { type: 'string', default: String(defaults.duration) },
      connections: { type: 'string', default: String(defaults.connections) },
      concurrency: { type: 'string', default: '8' },
      'skip-http': { type: 'boolean', default: false },
    },
  });
  if (!isProfileName(values.profile)) throw new Error('--profile must be dev, test or cluster');
  const positive = (name: string, value: string) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number`);
    return number;
  };
  return {
    profile: loadProfile(values.profile),
    duration: positive('duration', values.duration),
    connections: Math.round(positive('connections', values.connections)),
    concurrency: Math.round(positive('concurrency', values.concurrency)),
    skipHttp: values['skip-http'],
  };
}

export interface Stats {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Answers that were not right (the scenario says what right is). */
  failed: number;
  /** Answers the scenario marked (e.g. with a paid ad among them). */
  marked: number;
}

export function stats(latencies: number[], seconds: number, failed: number, marked = 0): Stats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    requests: sorted.length,
    perSecond: sorted.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failed,
    marked,
  };
}

/** One call of a scenario: whether its answer was right, and whether to mark it. */
export type Call = (index: number) => Promise<{ ok: boolean; marked?: boolean }>;

/** Length of one turn of a scenario. */
const sliceMs = 250;

/**
 * Runs the calls in turns of `sliceMs` each, `concurrent` at a time, until each has run for
 * `seconds`; a call's requests/s count only its own turns.
 */
export async function alternating(calls: Call[], seconds: number, concurrent: number): Promise<Stats[]> {
  const runs = calls.map(() => ({ latencies: [] as number[], busyMs: 0, failed: 0, marked: 0, next: 0 }));
  while (runs.some((state) => state.busyMs < seconds * 1000)) {
    for (const [index, call] of calls.entries()) {
      const state = runs[index];
      if (!state) continue;
      const started = performance.now();
      const end = started + sliceMs;
      const worker = async () => {
        while (performance.now() < end) {
          const sent = performance.now();
          const { ok, marked } = await call(state.next++);
          state.latencies.push(performance.now() - sent);
          if (!ok) state.failed += 1;
          if (marked) state.marked += 1;
        }
      };
      await Promise.all(Array.from({ length: concurrent }, worker));
      state.busyMs += performance.now() - started;
    }
  }
  return runs.map((state) => stats(state.latencies, state.busyMs / 1000, state.failed, state.marked));
}

/** One line of a benchmark's table: a scenario's figures, its ratio to the baseline and verdicts. */
export function statsRow(
  name: string,
  result: Stats,
  baseline?: Stats,
  verdicts: string[] = [],
  showMarked = false,
): string {
  const ratio = baseline ? `${(result.perSecond / baseline.perSecond).toFixed(2)}x` : 'baseline';
  return [
    name.padEnd(46),
    String(result.requests).padStart(8),
    Math.round(result.perSecond).toLocaleString('en').padStart(8),
    result.p50.toFixed(2).padStart(8),
    result.p99.toFixed(2).padStart(8),
    String(result.failed).padStart(6),
    ...(showMarked ? [String(result.marked).padStart(7)] : []),
    ratio.padStart(8),
    verdicts.join(', '),
  ]
    .join('  ')
    .trimEnd();
}

export const verdict = (met: boolean, target: string) => `${met ? 'PASS' : 'MISS'} ${target}`;
