import { takeToken } from '../../../shared/domain/quota';

const policy = { perSecond: 2, burst: 3 };

describe('a partner quota', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    let state: ReturnType<typeof takeToken>['state'] | undefined;
    const remaining: number[] = [];
    for (let request = 0; request < 3; request++) {
      const decision = takeToken(state, policy, 1_000);
      expect(decision.allowed).toBe(true);
      remaining.push(decision.remaining);
      state = decision.state;
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = takeToken(state, policy, 1_000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
  });

  it('refills at its rate and never above its burst', () => {
    const empty = { tokens: 0, refilledAt: 0 };
    expect(takeToken(empty, policy, 499).allowed).toBe(false);
    expect(takeToken(empty, policy, 500).allowed).toBe(true);
    expect(takeToken(empty, policy, 60_000).remaining).toBe(2);
  });

  it('asks a slow partner to wait longer', () => {
    expect(takeToken({ tokens: 0, refilledAt: 0 }, { perSecond: 0.1, burst: 1 }, 0).retryAfterSeconds).toBe(
      10,
    );
  });
});
