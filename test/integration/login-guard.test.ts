/**
 * The login lock-out on the test stack (Redis, DynamoDB, Kafka), and in the container's memory while
 * Redis cannot be reached: guesses are counted before the password is checked, so concurrent ones
 * get no more tries than sequential ones, and an attacker's guesses lock the attacker's address out
 * of an account, never the member at theirs.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../shared/auth/password';
import { closeDynamo } from '../../shared/dynamo/client';
import { closeKafka } from '../../shared/kafka/client';
import { logIn } from '../../shared/members/login';
import { closeRedis } from '../../shared/redis/client';
import { admitLoginAttempt, loginSucceeded } from '../../shared/redis/login-guard';
import { storedMember } from '../support/members';

const password = 'guard-passphrase-7';
let passwordHash: string;
const address = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function member(): Promise<string> {
  return `${await storedMember({ name: 'Guarded', passwordHash })}@example.com`;
}

/** What a login answered: 'session', or the error's code. */
const outcome = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 'session',
    (error: { code?: string }) => error.code ?? String(error),
  );

beforeAll(async () => {
  passwordHash = await hashPassword(password);
});

afterAll(async () => {
  await closeRedis();
  await closeKafka();
  closeDynamo();
});

describe.each([
  ['in Redis', undefined],
  ['in memory while Redis is unreachable', 'redis://127.0.0.1:1'],
])('the login lock-out %s', (_where, redisUrl) => {
  const previousUrl = process.env.REDIS_URL;
  beforeAll(async () => {
    await closeRedis();
    if (redisUrl) process.env.REDIS_URL = redisUrl;
  });
  afterAll(async () => {
    process.env.REDIS_URL = previousUrl;
    await closeRedis();
  });

  it('gives concurrent guesses from one address no more than the limit: the right one after them is refused', async () => {
    const email = await member();
    const from = address();
    const guesses = Array.from({ length: 12 }, (_, n) => `wrong-guess-${n}`);
    const answers = await Promise.all(
      [...guesses, password].map((guess) => outcome(logIn(email, guess, from))),
    );
    expect(answers.filter((answer) => answer === 'invalid_credentials').length).toBeLessThanOrEqual(4);
    expect(answers.at(-1)).toBe('login_locked');
    expect(answers).not.toContain('session');
  });

  it("locks the attacker's address out of the account, not the member at theirs", async () => {
    const email = await member();
    const attacker = address();
    for (let n = 0; n < 8; n += 1) await outcome(logIn(email, `wrong-guess-${n}`, attacker));
    expect(await outcome(logIn(email, password, attacker))).toBe('login_locked');
    expect(await outcome(logIn(email, password, address()))).toBe('session');
  });

  it('locks an account guessed at from many addresses, except from an address it logged in from', async () => {
    const policy = { pairLimit: 2, accountCeiling: 6, addressLimit: 100, lockSeconds: 60 };
    const email = `ceiling-${randomUUID()}@example.com`;
    const home = address();
    expect((await admitLoginAttempt(email, home, policy)).lockedMs).toBe(0);
    await loginSucceeded(email, home);
    for (const attacker of [address(), address(), address()]) {
      for (let n = 0; n < 2; n += 1)
        expect((await admitLoginAttempt(email, attacker, policy)).lockedMs).toBe(0);
    }
    expect((await admitLoginAttempt(email, address(), policy)).lockedMs).toBeGreaterThan(55_000);
    expect((await admitLoginAttempt(email, home, policy)).lockedMs).toBe(0);
  });

  it('does not lock an address whose logins succeed (an office of members)', async () => {
    const policy = { pairLimit: 5, accountCeiling: 100, addressLimit: 3, lockSeconds: 60 };
    const office = address();
    for (let n = 0; n < 6; n += 1) {
      const email = `office-${randomUUID()}@example.com`;
      expect((await admitLoginAttempt(email, office, policy)).lockedMs).toBe(0);
      await loginSucceeded(email, office);
    }
    const guesser = `office-${randomUUID()}@example.com`;
    const admissions = [];
    for (let n = 0; n < 4; n += 1) admissions.push(await admitLoginAttempt(guesser, office, policy));
    expect(admissions.map((admission) => admission.lockedMs > 0)).toEqual([false, false, false, true]);
  });
});
