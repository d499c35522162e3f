/**
 * Members: who signs up, what their profile holds (analytics buckets purchases by age band, gender
 * and region) and the password rules. Pure: no storage, no clock of its own.
 */
import * as z from 'zod';
import { text } from './text';

/** What a member may do: every member buys, a seller also lists offers, an admin runs the platform. */
export const roles = ['member', 'seller', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as a verified access token says. */
export interface Caller {
  memberId: string;
  roles: readonly Role[];
}

export const genders = ['female', 'male', 'other', 'undisclosed'] as const;
export type Gender = (typeof genders)[number];

/** Korea's 17 metropolitan cities and provinces, and members living abroad. */
export const regions = [
  'seoul',
  'busan',
  'daegu',
  'incheon',
  'gwangju',
  'daejeon',
  'ulsan',
  'sejong',
  'gyeonggi',
  'gangwon',
  'chungbuk',
  'chungnam',
  'jeonbuk',
  'jeonnam',
  'gyeongbuk',
  'gyeongnam',
  'jeju',
  'overseas',
] as const;
export type Region = (typeof regions)[number];

export const accountTypes = ['member', 'seller'] as const;
export type AccountType = (typeof accountTypes)[number];

export const passwordMinLength = 10;
/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
export const passwordMaxLength = 128;

/** Emails compare case-insensitively: one account per address however it is typed. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

// Surrounding spaces are forgiven (trimmed); the document states the address itself, with zod's
// own email pattern, so a client checks what the API checks.
const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .meta({ format: 'email', pattern: z.regexes.email.source })
  .transform(normalizeEmail);
const name = text(50);

/** Birth years a living member can have, checked against the year of `now`. */
function birthYear(now: () => Date) {
  // A bound fixed when the schema is built: the document states it (each function builds its
  // schemas when its container starts, so a container alive across New Year lags a year behind).
  return z.int().min(1900).max(now().getUTCFullYear(), 'must not be in the future');
}

// Passwords everyone tries first; a breach list would be longer, these are the obvious ones that
// pass the length rule.
const obviousPasswords = new Set([
  '1234567890',
  '12345678910',
  '0123456789',
  '1q2w3e4r5t',
  'qwertyuiop',
  'asdfghjkl;',
  'password12',
  'password123',
  'password1234',
  'passw0rd123',
  'iloveyou12',
  'qwerty1234',
  'abcdefghij',
  'abcd123456',
  'aaaaaaaaaa',
  'letmein123',
  'welcome123',
  'admin12345',
  'peakcart123',
]);

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, memberEmail: string): string | undefined {
  if (password.length < passwordMinLength) return `must have at least ${passwordMinLength} characters`;
  if (password.length > passwordMaxLength) return `must have at most ${passwordMaxLength} characters`;
  const folded = password.toLowerCase();
  const address = normalizeEmail(memberEmail);
  if (folded === address || folded === address.split('@')[0]) return 'must not be the email address';
  if (new Set(folded).size <= 2) return 'must not repeat one or two characters';
  if (obviousPasswords.has(folded)) return 'is one of the most common passwords';
  return undefined;
}

/** The body of a sign-up, `now` fixing the latest acceptable birth year. */
export function signUpSchema(now: () => Date = () => new Date()) {
  return z
    .strictObject({
      email,
      password: z
        .string()
        .min(passwordMinLength)
        .max(passwordMaxLength)
        .describe(
          'Not the email address or its local part, not one or two characters repeated, not a common password',
        ),
      name,
      birthYear: birthYear(now),
      gender: z.enum(genders),
      region: z.enum(regions),
      accountType: z.enum(accountTypes).default('member'),
    })
    .superRefine((input, context) => {
      const problem = passwordProblem(input.password, input.email);
      if (problem) context.addIssue({ code: 'custom', path: ['password'], message: `Password ${problem}` });
    });
}
export type SignUp = z.output<ReturnType<typeof signUpSchema>>;

/** A profile change: any of the profile's fields, at least one. */
export function profileChangeSchema(now: () => Date = () => new Date()) {
  return (
    z
      .strictObject({
        name: name.optional(),
        birthYear: birthYear(now).optional(),
        gender: z.enum(genders).optional(),
        region: z.enum(regions).optional(),
      })
      // The document states it as minProperties, so it is a schema problem (400), not a rule (422).
      .superRefine((change, context) => {
        if (Object.values(change).some((value) => value !== undefined)) return;
        context.addIssue({
          code: 'too_small',
          origin: 'object',
          minimum: 1,
          inclusive: true,
          input: change,
          message: 'Change at least one field',
        });
      })
      .meta({ minProperties: 1 })
  );
}
export type ProfileChange = z.output<ReturnType<typeof profileChangeSchema>>;

/** Roles of a new account: every account can buy; sellers can also list offers. */
export function rolesFor(accountType: AccountType): Role[] {
  return accountType === 'seller' ? ['member', 'seller'] : ['member'];
}

/** Age band by tens, as analytics buckets purchases: 27 in 2026 for a 1999 birth year → "20s". */
export function ageBand(year: number, now: Date): string {
  const age = Math.max(0, now.getUTCFullYear() - year);
  return age >= 80 ? '80s+' : `${Math.floor(age / 10) * 10}s`;
}

export interface Member {
  memberId: string;
  email: string;
  name: string;
  birthYear: number;
  gender: Gender;
  region: Region;
  roles: Role[];
  createdAt: string;
  updatedAt: string;
  /** Incremented by every change of the profile. */
  version: number;
}

/** What a member sees of their own account. */
export type MemberProfile = Member;

export const memberEventTypes = {
  signedUp: 'MemberSignedUp',
  loggedIn: 'MemberLoggedIn',
  profileUpdated: 'MemberProfileUpdated',
  withdrawn: 'MemberWithdrawn',
} as const;

/** What member events carry of a profile: what analytics buckets by, no name, no email. */
export function demographicsOf(member: Pick<Member, 'birthYear' | 'gender' | 'region'>, now: Date) {
  return {
    birthYear: member.birthYear,
    ageBand: ageBand(member.birthYear, now),
    gender: member.gender,
    region: member.region,
  };
}
