/**
 * The rules of the login lock-out, which the Redis script of shared/redis/login-guard.ts applies
 * to shared counters and the login function to its own memory when Redis does not answer.
 *
 * An attempt is counted before its password is checked, and only if none of its counters is
 * locked, so concurrent guesses cannot all pass a check made before any of them failed. A counter
 * remembers its attempts for `lockSeconds` from the first; the attempt that reaches its limit
 * locks it for `lockSeconds` from then. Attempts refused by a lock are not counted, so a lock is
 * not renewed by knocking on it.
 */

export interface LoginGuardPolicy {
  /** Attempts at one account from one address before that address is locked out of the account. */
  pairLimit: number;
  /**
   * Attempts at one account from every address together, beyond which the account is locked for
   * every address except those it logged in from lately (a guesser spread over many addresses).
   */
  accountCeiling: number;
  /** Attempts from one address at any accounts (higher: many people share an address). */
  addressLimit: number;
  /** How long attempts are remembered, and how long a lock lasts. */
  lockSeconds: number;
}

export interface AttemptCounter {
  count: number;
  /** Epoch ms when the counter is forgotten (its window or its lock ends). */
  expiresAt: number;
}

export interface Admission {
  /** > 0: refused, locked for that long (ms); nothing was counted. */
  lockedMs: number;
  /** How long the lock this attempt starts should it fail (ms); 0 when it starts none. */
  lockOnFailureMs: number;
}

const live = (counter: AttemptCounter | undefined, now: number) =>
  counter && counter.expiresAt > now ? counter : undefined;

/**
 * Admits an attempt against each counter (undefined: none yet) with its limit: refused when one is
 * locked, else counted in every one. Answers the admission and the counters as they are now.
 */
export function admitAttempt(
  counters: readonly { counter: AttemptCounter | undefined; limit: number }[],
  policy: Pick<LoginGuardPolicy, 'lockSeconds'>,
  now: number,
): { admission: Admission; counters: (AttemptCounter | undefined)[] } {
  const lockMs = policy.lockSeconds * 1000;
  const current = counters.map(({ counter }) => live(counter, now));
  const lockedMs = Math.max(
    0,
    ...counters.map(({ limit }, index) => {
      const counter = current[index];
      return counter && counter.count >= limit ? counter.expiresAt - now : 0;
    }),
  );
  if (lockedMs > 0) return { admission: { lockedMs, lockOnFailureMs: 0 }, counters: current };
  let lockOnFailureMs = 0;
  const counted = counters.map(({ limit }, index) => {
    const count = (current[index]?.count ?? 0) + 1;
    if (count >= limit) {
      lockOnFailureMs = lockMs;
      return { count, expiresAt: now + lockMs };
    }
    return { count, expiresAt: current[index]?.expiresAt ?? now + lockMs };
  });
  return { admission: { lockedMs: 0, lockOnFailureMs }, counters: counted };
}

/** A login succeeded: its attempt no longer counts against the counter. */
export function takeBackAttempt(
  counter: AttemptCounter | undefined,
  now: number,
): AttemptCounter | undefined {
  const current = live(counter, now);
  if (!current || current.count <= 1) return undefined;
  return { ...current, count: current.count - 1 };
}
