/** Contracts of member accounts: sign-up and the caller's own profile. */
import * as z from 'zod';
import { genders, profileChangeSchema, regions, roles, signUpSchema } from '../../shared/domain/member';
import { defineRoute } from '../../shared/http';

const profile = z.object({
  memberId: z.string(),
  email: z.string(),
  name: z.string(),
  birthYear: z.int(),
  gender: z.enum(genders),
  region: z.enum(regions),
  roles: z.array(z.enum(roles)),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.int().describe('Incremented by every change of the profile'),
});

const conflict = { description: 'email_taken', schema: z.unknown() };

export const signUpRoute = defineRoute({
  operationId: 'signUp',
  method: 'post',
  path: '/members',
  summary: 'Creates an account (member, or seller to list offers); log in afterwards',
  tags: ['members'],
  body: signUpSchema(),
  response: profile,
  successStatus: 201,
  otherResponses: { 409: conflict },
  maxBodyBytes: 4 * 1024,
});

export const getMeRoute = defineRoute({
  operationId: 'getMe',
  method: 'get',
  path: '/members/me',
  summary: "The caller's own profile",
  tags: ['members'],
  auth: roles,
  response: profile,
});

export const updateMeRoute = defineRoute({
  operationId: 'updateMe',
  method: 'patch',
  path: '/members/me',
  summary: "Changes the caller's own profile (name, birth year, gender, region)",
  tags: ['members'],
  auth: roles,
  body: profileChangeSchema(),
  response: profile,
  otherResponses: { 409: { description: 'profile_changed_concurrently (retry)', schema: z.unknown() } },
  maxBodyBytes: 4 * 1024,
});

export const withdrawRoute = defineRoute({
  operationId: 'withdraw',
  method: 'delete',
  path: '/members/me',
  summary: 'Withdraws the caller: personal data erased, every login ended, history anonymised',
  tags: ['members'],
  auth: roles,
  response: z.undefined(),
  successStatus: 204,
});

export const memberRoutes = [signUpRoute, getMeRoute, updateMeRoute, withdrawRoute];
