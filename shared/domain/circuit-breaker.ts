/**
 * A circuit breaker for an optional dependency: after `failureThreshold` failures in a row it opens
 * and refuses every call at once for `cooldownMs`, so a dependency that is down or slow costs the
 * request nothing; then it lets one trial call through (half-open): a success closes it, a failure
 * opens it again. A call slower than `timeoutMs` counts as a failure. The clock is injectable.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  /** The failure that opened the breaker. */
  error?: unknown;
}

export interface BreakerOptions {
  /** Consecutive failures that open the breaker (default 5). */
  failureThreshold?: number;
  /** How long an open breaker refuses calls before it tries one (default 10 s). */
  cooldownMs?: number;
  /** A call that takes longer has failed (default 100 ms). */
  timeoutMs?: number;
  /** Milliseconds on a monotonic clock (default performance.now). */
  now?: () => number;
  onTransition?: (transition: BreakerTransition) => void;
}

/** One admitted call: report its outcome once; later reports are ignored. */
export interface BreakerPermit {
  succeeded(): void;
  failed(error?: unknown): void;
}

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly onTransition: (transition: BreakerTransition) => void;
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialRunning = false;
  /** Counts openings, so an outcome reported after the breaker moved on changes nothing. */
  private generation = 0;

  constructor(options: BreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 10_000;
    this.timeoutMs = options.timeoutMs ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.onTransition = options.onTransition ?? (() => undefined);
  }

  /** The state now; an open breaker whose cooldown is over is half-open. */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.cooldownMs) {
      this.moveTo('half-open');
    }
    return this.current;
  }

  /** A permit for one call, or undefined when the breaker refuses it (open, or a trial is running). */
  tryAcquire(): BreakerPermit | undefined {
    const state = this.state;
    if (state === 'open') return undefined;
    if (state === 'half-open') {
      if (this.trialRunning) return undefined;
      this.trialRunning = true;
      return this.permit(true);
    }
    return this.permit(false);
  }

  private permit(trial: boolean): BreakerPermit {
    const generation = this.generation;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      // A call admitted before the breaker last opened says nothing about the dependency now.
      if (generation !== this.generation) return;
      if (trial) this.trialRunning = false;
      outcome();
    };
    return {
      succeeded: () =>
        settle(() => {
          this.failures = 0;
          if (this.current === 'half-open') this.moveTo('closed');
        }),
      failed: (error) =>
        settle(() => {
          this.failures += 1;
          if (this.current === 'half-open' || this.failures >= this.failureThreshold) this.open(error);
        }),
    };
  }

  private open(error: unknown): void {
    this.generation += 1;
    this.openedAt = this.now();
    this.trialRunning = false;
    this.moveTo('open', error);
  }

  private moveTo(to: BreakerState, error?: unknown): void {
    const from = this.current;
    this.current = to;
    if (to !== 'open') this.failures = 0;
    this.onTransition({ from, to, ...(error !== undefined && { error }) });
  }
}

/**
 * The answer of an optional call, or the fallback's: when the breaker refuses the call, when the
 * call fails, and at the breaker's timeout when the call is slower (the late answer is dropped), so
 * an optional dependency can neither fail nor slow the request. The call's signal is aborted once
 * the fallback has answered: a call of several steps checks it before each, so that a late call
 * starts nothing more after the request's answer (what it already sent ends within its own bound).
 */
export function optional<T>(
  breaker: CircuitBreaker,
  call: (signal: AbortSignal) => Promise<T>,
  fallback: () => T,
): Promise<T> {
  const permit = breaker.tryAcquire();
  if (!permit) return Promise.resolve(fallback());
  const answered = new AbortController();
  return new Promise<T>((resolve) => {
    const answer = (value: () => T) => {
      if (answered.signal.aborted) return;
      clearTimeout(timer);
      answered.abort();
      resolve(value());
    };
    const timer = setTimeout(() => {
      permit.failed(new Error(`no answer within ${breaker.timeoutMs} ms`));
      answer(fallback);
    }, breaker.timeoutMs);
    Promise.resolve()
      .then(() => call(answered.signal))
      .then(
        (value) => {
          if (answered.signal.aborted) return;
          permit.succeeded();
          answer(() => value);
        },
        (error: unknown) => {
          permit.failed(error);
          answer(fallback);
        },
      );
  });
}

/**
 * The last good answer of each key, for a fallback: at most `capacity` keys, the least recently
 * answered forgotten first.
 */
export class LastGoodAnswers<Value> {
  private readonly answers = new Map<string, Value>();

  constructor(readonly capacity: number) {}

  get(key: string): Value | undefined {
    return this.answers.get(key);
  }

  /** Remembers the answer and returns it. */
  remember(key: string, value: Value): Value {
    // A Map iterates in insertion order: re-inserting moves the key to the newest end.
    this.answers.delete(key);
    this.answers.set(key, value);
    if (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next();
      if (!oldest.done) this.answers.delete(oldest.value);
    }
    return value;
  }

  forget(key: string): void {
    this.answers.delete(key);
  }

  clear(): void {
    this.answers.clear();
  }

  get size(): number {
    return this.answers.size;
  }
}
