/** Member rules: sign-up and profile validation, password rules, roles and age bands. */
import {
  ageBand,
  normalizeEmail,
  passwordProblem,
  profileChangeSchema,
  rolesFor,
  signUpSchema,
} from '../../../shared/domain/member';

const now = () => new Date('2026-11-25T00:00:00Z');
const valid = {
  email: '  Kim.Haneul@Example.com ',
  password: 'blue-harbor-lantern-42',
  name: '김하늘',
  birthYear: 1994,
  gender: 'female',
  region: 'busan',
};

describe('sign-up', () => {
  it('normalizes the email and defaults to a member account', () => {
    expect(signUpSchema(now).parse(valid)).toMatchObject({
      email: 'kim.haneul@example.com',
      accountType: 'member',
    });
  });

  it.each([
    ['an unknown field', { ...valid, roles: ['admin'] }],
    ['an admin account type', { ...valid, accountType: 'admin' }],
    ['a birth year in the future', { ...valid, birthYear: 2027 }],
    ['a birth year before 1900', { ...valid, birthYear: 1899 }],
    ['a fractional birth year', { ...valid, birthYear: 1994.5 }],
    ['an empty name', { ...valid, name: '   ' }],
    ['a 51-character name', { ...valid, name: 'x'.repeat(51) }],
    ['an unknown gender', { ...valid, gender: 'robot' }],
    ['an unknown region', { ...valid, region: 'atlantis' }],
    ['a malformed email', { ...valid, email: 'kim@' }],
    ['a weak password', { ...valid, password: 'short' }],
  ])('refuses %s', (_name, input) => {
    expect(signUpSchema(now).safeParse(input).success).toBe(false);
  });

  it('accepts this year as a birth year and reports the password rule by path', () => {
    expect(signUpSchema(now).safeParse({ ...valid, birthYear: 2026 }).success).toBe(true);
    const result = signUpSchema(now).safeParse({ ...valid, password: 'kim.haneul@example.com' });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['password'], message: 'Password must not be the email address' }),
    ]);
  });
});

describe('passwords', () => {
  it.each([
    ['123456789', 'must have at least 10 characters'],
    ['x'.repeat(129), 'must have at most 128 characters'],
    ['KIM@example.com', 'must not be the email address'],
    ['kim', 'must have at least 10 characters'],
    ['abababababab', 'must not repeat one or two characters'],
    ['Password123', 'is one of the most common passwords'],
  ])('refuses %s: %s', (password, problem) => {
    expect(passwordProblem(password, 'kim@example.com')).toBe(problem);
  });

  it('accepts a long passphrase and exactly 10 varied characters', () => {
    expect(passwordProblem('correct horse battery staple', 'kim@example.com')).toBeUndefined();
    expect(passwordProblem('k7#Qm2!xZp', 'kim@example.com')).toBeUndefined();
  });

  it('compares the email part case-insensitively, local part included', () => {
    expect(passwordProblem('Kim.Haneul.1994', 'kim.haneul.1994@example.com')).toBe(
      'must not be the email address',
    );
  });
});

describe('profile changes', () => {
  it('need at least one known field', () => {
    expect(profileChangeSchema(now).safeParse({}).success).toBe(false);
    expect(profileChangeSchema(now).safeParse({ email: 'new@example.com' }).success).toBe(false);
    expect(profileChangeSchema(now).parse({ region: 'jeju' })).toEqual({ region: 'jeju' });
  });
});

describe('accounts', () => {
  it('give sellers the seller role besides member', () => {
    expect(rolesFor('member')).toEqual(['member']);
    expect(rolesFor('seller')).toEqual(['member', 'seller']);
  });

  it('bucket ages by tens', () => {
    const at = new Date('2026-06-01T00:00:00Z');
    expect([2026, 2017, 2016, 1997, 1996, 1947, 1946, 1900].map((year) => ageBand(year, at))).toEqual([
      '0s',
      '0s',
      '10s',
      '20s',
      '30s',
      '70s',
      '80s+',
      '80s+',
    ]);
  });

  it('fold email case and width', () => {
    expect(normalizeEmail(' Ｋim@Example.COM ')).toBe('kim@example.com');
  });
});
