/** The lock-out's rules: check every counter, then count the attempt in all of them or none. */
import { admitAttempt, takeBackAttempt } from '../../../shared/domain/login-guard';

const policy = { lockSeconds: 60 };

/** Attempts one after another on one counter of the limit; answers each admission. */
function attempts(times: number, limit: number, at: (n: number) => number) {
  let counter: { count: number; expiresAt: number } | undefined;
  const admissions = [];
  for (let n = 0; n < times; n += 1) {
    const { admission, counters } = admitAttempt([{ counter, limit }], policy, at(n));
    counter = counters[0];
    admissions.push(admission);
  }
  return { admissions, counter };
}

describe('the login lock-out', () => {
  it('admits up to the limit, says the last admitted one locks on failure, then refuses without counting', () => {
    const { admissions, counter } = attempts(5, 3, (n) => n * 1_000);
    expect(admissions.map((a) => [a.lockedMs > 0, a.lockOnFailureMs])).toEqual([
      [false, 0],
      [false, 0],
      [false, 60_000],
      [true, 0],
      [true, 0],
    ]);
    // Locked from the attempt that reached the limit (t = 2 s), not renewed by the refused ones.
    expect(counter).toEqual({ count: 3, expiresAt: 62_000 });
  });

  it('forgets a counter when its window ends', () => {
    const { admissions } = attempts(3, 2, (n) => (n === 2 ? 63_000 : n));
    expect(admissions.map((a) => a.lockedMs)).toEqual([0, 0, 0]);
  });

  it('counts in no counter when one of them is locked', () => {
    const locked = { count: 2, expiresAt: 10_000 };
    const open = { count: 1, expiresAt: 10_000 };
    const { admission, counters } = admitAttempt(
      [
        { counter: open, limit: 5 },
        { counter: locked, limit: 2 },
      ],
      policy,
      1_000,
    );
    expect(admission.lockedMs).toBe(9_000);
    expect(counters).toEqual([open, locked]);
  });

  it('takes a successful attempt back', () => {
    expect(takeBackAttempt({ count: 3, expiresAt: 5_000 }, 1_000)).toEqual({ count: 2, expiresAt: 5_000 });
    expect(takeBackAttempt({ count: 1, expiresAt: 5_000 }, 1_000)).toBeUndefined();
    expect(takeBackAttempt({ count: 3, expiresAt: 5_000 }, 6_000)).toBeUndefined();
  });
});
