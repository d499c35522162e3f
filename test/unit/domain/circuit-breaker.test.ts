import {
  type BreakerTransition,
  CircuitBreaker,
  LastGoodAnswers,
  optional,
} from '../../../shared/domain/circuit-breaker';

/** A breaker on a clock the test moves, with every transition it reports. */
function breaker(options: { failureThreshold?: number; cooldownMs?: number; timeoutMs?: number } = {}) {
  const clock = { now: 1_000 };
  const transitions: string[] = [];
  const errors: unknown[] = [];
  const subject = new CircuitBreaker({
    ...options,
    now: () => clock.now,
    onTransition: ({ from, to, error }: BreakerTransition) => {
      transitions.push(`${from}->${to}`);
      if (error !== undefined) errors.push(error);
    },
  });
  return { subject, clock, transitions, errors };
}

function fail(subject: CircuitBreaker, times: number): void {
  for (let n = 0; n < times; n += 1) subject.tryAcquire()?.failed(new Error(`failure ${n + 1}`));
}

describe('a circuit breaker', () => {
  it('is closed at first, with the documented defaults', () => {
    const { subject } = breaker();
    expect(subject.state).toBe('closed');
    expect([subject.failureThreshold, subject.cooldownMs, subject.timeoutMs]).toEqual([5, 10_000, 100]);
  });

  it('opens after N consecutive failures, not before, and a success starts the count again', () => {
    const { subject, transitions, errors } = breaker({ failureThreshold: 3 });
    fail(subject, 2);
    subject.tryAcquire()?.succeeded();
    fail(subject, 2);
    expect(subject.state).toBe('closed');
    fail(subject, 1);
    expect(subject.state).toBe('open');
    expect(transitions).toEqual(['closed->open']);
    expect(errors).toEqual([new Error('failure 1')]);
  });

  it('refuses every call while open, until the cooldown is over', () => {
    const { subject, clock } = breaker({ failureThreshold: 1, cooldownMs: 10_000 });
    fail(subject, 1);
    expect(subject.tryAcquire()).toBeUndefined();
    clock.now += 9_999;
    expect(subject.tryAcquire()).toBeUndefined();
    expect(subject.state).toBe('open');
    clock.now += 1;
    expect(subject.state).toBe('half-open');
  });

  it('lets a single trial through when half-open', () => {
    const { subject, clock } = breaker({ failureThreshold: 1 });
    fail(subject, 1);
    clock.now += 10_000;
    const trial = subject.tryAcquire();
    expect(trial).toBeDefined();
    expect(subject.tryAcquire()).toBeUndefined();
    expect(subject.tryAcquire()).toBeUndefined();
    expect(subject.state).toBe('half-open');
  });

  it('closes when the trial succeeds', () => {
    const { subject, clock, transitions } = breaker({ failureThreshold: 1 });
    fail(subject, 1);
    clock.now += 10_000;
    subject.tryAcquire()?.succeeded();
    expect(subject.state).toBe('closed');
    expect(subject.tryAcquire()).toBeDefined();
    expect(subject.tryAcquire()).toBeDefined();
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('re-opens when the trial fails, for a whole new cooldown', () => {
    const { subject, clock, transitions } = breaker({ failureThreshold: 3 });
    fail(subject, 3);
    clock.now += 10_000;
    subject.tryAcquire()?.failed(new Error('still down'));
    expect(subject.state).toBe('open');
    clock.now += 9_999;
    expect(subject.tryAcquire()).toBeUndefined();
    clock.now += 1;
    expect(subject.state).toBe('half-open');
    expect(transitions).toEqual(['closed->open', 'open->half-open', 'half-open->open', 'open->half-open']);
  });

  it('ignores the outcomes of calls admitted before it opened', () => {
    const { subject, clock } = breaker({ failureThreshold: 2 });
    const early = subject.tryAcquire();
    fail(subject, 2);
    early?.succeeded();
    expect(subject.state).toBe('open');
    clock.now += 10_000;
    const trial = subject.tryAcquire();
    early?.failed();
    expect(subject.state).toBe('half-open');
    trial?.succeeded();
    expect(subject.state).toBe('closed');
  });

  it('counts each permit once', () => {
    const { subject } = breaker({ failureThreshold: 2 });
    const permit = subject.tryAcquire();
    permit?.failed();
    permit?.failed();
    expect(subject.state).toBe('closed');
  });
});

describe('an optional call', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers with the call when it succeeds in time', async () => {
    const { subject } = breaker();
    await expect(
      optional(
        subject,
        async () => ['a'],
        () => [],
      ),
    ).resolves.toEqual(['a']);
  });

  it('answers with the fallback when the call fails or throws, and counts the failure', async () => {
    const { subject } = breaker({ failureThreshold: 2 });
    await expect(
      optional(
        subject,
        async () => Promise.reject(new Error('down')),
        () => 'fallback',
      ),
    ).resolves.toBe('fallback');
    await expect(
      optional(
        subject,
        () => {
          throw new Error('thrown at once');
        },
        () => 'fallback',
      ),
    ).resolves.toBe('fallback');
    expect(subject.state).toBe('open');
  });

  it('answers with the fallback at the timeout when the call is slower, and counts it as a failure', async () => {
    jest.useFakeTimers();
    const { subject, errors } = breaker({ failureThreshold: 1, timeoutMs: 100 });
    let answer: string | undefined;
    void optional(
      subject,
      () => new Promise<string>(() => undefined),
      () => 'fallback',
    ).then((value) => {
      answer = value;
    });
    await jest.advanceTimersByTimeAsync(99);
    expect(answer).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(answer).toBe('fallback');
    expect(subject.state).toBe('open');
    expect(String(errors[0])).toContain('100 ms');
  });

  it('drops an answer that comes after the timeout', async () => {
    jest.useFakeTimers();
    const { subject, clock } = breaker({ failureThreshold: 1, timeoutMs: 100 });
    clock.now = 0;
    const late = optional(
      subject,
      () => new Promise<string>((resolve) => setTimeout(() => resolve('late'), 150)),
      () => 'fallback',
    );
    await jest.advanceTimersByTimeAsync(200);
    await expect(late).resolves.toBe('fallback');
    expect(subject.state).toBe('open');
  });

  it("aborts the call's signal once the fallback has answered, so a late call starts no further step", async () => {
    jest.useFakeTimers();
    const { subject } = breaker({ failureThreshold: 5, timeoutMs: 100 });
    let abortedAtSecondStep: boolean | undefined;
    const answer = optional(
      subject,
      async (signal: AbortSignal | undefined) => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        abortedAtSecondStep = signal?.aborted === true;
        return 'ads';
      },
      () => 'fallback',
    );
    await jest.advanceTimersByTimeAsync(200);
    await expect(answer).resolves.toBe('fallback');
    expect(abortedAtSecondStep).toBe(true);
  });

  it('leaves the signal of a call that answers in time unaborted while it runs', async () => {
    const { subject } = breaker({ timeoutMs: 1_000 });
    let abortedWhileRunning: boolean | undefined;
    await expect(
      optional(
        subject,
        async (signal: AbortSignal | undefined) => {
          await Promise.resolve();
          abortedWhileRunning = signal?.aborted;
          return 'ads';
        },
        () => 'fallback',
      ),
    ).resolves.toBe('ads');
    expect(abortedWhileRunning).toBe(false);
  });

  it('does not call the dependency while the breaker is open', async () => {
    const { subject } = breaker({ failureThreshold: 1 });
    fail(subject, 1);
    const call = jest.fn(async () => 'called');
    await expect(optional(subject, call, () => 'fallback')).resolves.toBe('fallback');
    expect(call).not.toHaveBeenCalled();
  });
});

describe('last good answers', () => {
  it('remembers answers by key and forgets the least recently answered beyond its capacity', () => {
    const answers = new LastGoodAnswers<string[]>(2);
    expect(answers.remember('a', ['1'])).toEqual(['1']);
    answers.remember('b', ['2']);
    answers.remember('a', ['1', '1']);
    answers.remember('c', ['3']);
    expect(answers.size).toBe(2);
    expect(answers.get('b')).toBeUndefined();
    expect(answers.get('a')).toEqual(['1', '1']);
    expect(answers.get('c')).toEqual(['3']);
  });
});
