/**
 * Events of the member topic, keyed by member. They carry the member id and what analytics buckets
 * by (birth year, age band, gender, region): never a name, an email address, a password or a token.
 */
import * as z from 'zod';
import { genders, memberEventTypes, profileChangeSchema, regions, roles } from '../domain/member';
import type { TopicEventsDefinition } from './definition';
import { ageBandField, entityId, timestamp } from './fields';

const memberId = entityId.describe('The member, also the record key');

const demographics = {
  birthYear: z.int().min(1900),
  ageBand: ageBandField,
  gender: z.enum(genders),
  region: z.enum(regions),
};

export const memberSignedUpV1 = z.strictObject({
  memberId,
  roles: z.array(z.enum(roles)).min(1).describe('Roles of the new account: sellers also get "seller"'),
  ...demographics,
});

export const memberLoggedInV1 = z.strictObject({ memberId });

export const memberProfileUpdatedV1 = z.strictObject({
  memberId,
  changed: z
    .array(profileChangeSchema().keyof())
    .min(1)
    .describe('The profile fields that changed; a new name is never sent, only that it changed'),
  ...demographics,
});

export const memberWithdrawnV1 = z.strictObject({
  memberId,
  withdrawnAt: timestamp.describe('When the personal data was erased; repeated withdrawals repeat it'),
});

export const memberEvents = {
  description: 'Sign-ups, logins, profile changes and withdrawals of members.',
  key: 'member id',
  source: 'members',
  types: {
    [memberEventTypes.signedUp]: {
      description: 'An account was created (member or seller).',
      versions: { 1: memberSignedUpV1 },
    },
    [memberEventTypes.loggedIn]: {
      description: 'A member logged in with their password.',
      versions: { 1: memberLoggedInV1 },
    },
    [memberEventTypes.profileUpdated]: {
      description: 'A member changed their profile; the demographics are the new ones.',
      versions: { 1: memberProfileUpdatedV1 },
    },
    [memberEventTypes.withdrawn]: {
      description: 'A member withdrew and their personal data was erased.',
      versions: { 1: memberWithdrawnV1 },
    },
  },
} as const satisfies TopicEventsDefinition;

export const memberEventDataSchema = z.union([
  memberSignedUpV1,
  memberLoggedInV1,
  memberProfileUpdatedV1,
  memberWithdrawnV1,
]);
export type MemberEventData = z.infer<typeof memberEventDataSchema>;

/** The `data` of each member event type at its current version, for typed producers. */
export interface MemberEventDataByType {
  [memberEventTypes.signedUp]: z.infer<typeof memberSignedUpV1>;
  [memberEventTypes.loggedIn]: z.infer<typeof memberLoggedInV1>;
  [memberEventTypes.profileUpdated]: z.infer<typeof memberProfileUpdatedV1>;
  [memberEventTypes.withdrawn]: z.infer<typeof memberWithdrawnV1>;
}
