/**
 * Contracts of seller standing: a seller reads its own, admins read any and set the policy and
 * suspensions; buyers complain about offers they bought (docs/sellers.md).
 */
import * as z from 'zod';
import { catalogId } from '../../shared/domain/catalog';
import {
  complaintKinds,
  gradeRule,
  grades,
  standingPolicyInputSchema,
  standingWindowDays,
} from '../../shared/domain/seller-standing';
import { text } from '../../shared/domain/text';
import { defineRoute } from '../../shared/http';

const rate = z.number().min(0).max(1);
/** Returns and cancellations in the window may be of orders paid before it: such a rate can pass 1. */
const windowRate = z.number().min(0);

const standing = z.object({
  sellerId: z.string(),
  asOf: z.string().describe('When it was computed: the window ends here'),
  windowDays: z
    .int()
    .describe(`Days measured: the last ${standingWindowDays} business days (Seoul), today included`),
  orders: z.int().describe("Paid orders with the seller's lines"),
  units: z.int(),
  margin: z
    .int()
    .describe('Won: sales less cost, net of what cancellations and returns paid back (and restocked)'),
  marginRate: z.number().describe('margin / net sales; 0 without sales'),
  cancellations: z.int().describe('Paid orders cancelled'),
  cancellationRate: windowRate.describe(
    'cancellations / orders (above 1 when orders paid before the window were cancelled in it)',
  ),
  returnRequests: z.int().describe('Lines asked to be returned'),
  returnedUnits: z.int().describe('Units asked to be returned'),
  returnRate: windowRate.describe(
    'returnedUnits / units (above 1 when units sold before the window were asked back in it)',
  ),
  returnsByReason: z
    .array(z.object({ reason: z.string(), units: z.int(), rate: z.number().min(0) }))
    .describe(
      "Units asked back per reason (the buyer's words, folded: trimmed, lower case, NFKC, 100 characters), most first",
    ),
  shipments: z.int().describe('Shipments that left'),
  overdueShipments: z.int().describe("Shipments paid for and not shipped past the stage's shipping deadline"),
  lateShipments: z.int().describe('Shipped after the deadline, plus the overdue ones'),
  lateShipmentRate: rate.describe('lateShipments / (shipments + overdueShipments)'),
  complaints: z.int(),
  complaintsByKind: z.object(
    Object.fromEntries(complaintKinds.map((kind) => [kind, z.int()])) as Record<
      (typeof complaintKinds)[number],
      z.ZodInt
    >,
  ),
  grade: z
    .enum(grades)
    .nullable()
    .describe(
      `A (best) to D: the worst of the grades of cancellation, return and late-shipment rates (each judged from ${gradeRule.minSample} orders, units or shipments) and complaints per 100 orders; null with nothing measured yet`,
    ),
  suspension: z.object({
    suspended: z.boolean().describe("Whether the seller's offers are left out of search"),
    manual: z.object({ reason: z.string(), suspendedAt: z.string(), suspendedBy: z.string() }).optional(),
    byPolicy: z.boolean().describe('Whether the policy suspends the grade'),
  }),
  adQualityFactor: z
    .number()
    .min(0)
    .max(1)
    .describe('0 when suspended, 1 with no grade, else A 1, B 0.8, C 0.5, D 0.2'),
  policyVersion: z.int(),
});

const sellerParams = z.strictObject({ sellerId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) });

export const myStandingRoute = defineRoute({
  operationId: 'getMyStanding',
  method: 'get',
  path: '/sellers/me/standing',
  summary: "The calling seller's own standing over the last 30 days: rates, margin, complaints, grade",
  tags: ['sellers'],
  auth: ['seller'],
  priority: 'optional',
  response: standing,
});

export const sellerStandingRoute = defineRoute({
  operationId: 'getSellerStanding',
  method: 'get',
  path: '/sellers/{sellerId}/standing',
  summary: "A seller's standing (admins)",
  tags: ['sellers'],
  auth: ['admin'],
  priority: 'optional',
  params: sellerParams,
  response: standing,
});

const policy = z.object({
  suspendOffers: z.boolean(),
  suspendAtOrBelow: z.enum(['B', 'C', 'D']),
  version: z.int().describe('0 before an admin set one (the default: nothing suspended by grade)'),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});

export const getPolicyRoute = defineRoute({
  operationId: 'getStandingPolicy',
  method: 'get',
  path: '/sellers/standing-policy',
  summary: 'The standing policy (admins)',
  tags: ['sellers'],
  auth: ['admin'],
  response: policy,
});

export const putPolicyRoute = defineRoute({
  operationId: 'putStandingPolicy',
  method: 'put',
  path: '/sellers/standing-policy',
  summary:
    'Sets the standing policy (admins): whether sellers at or below a grade have their offers suspended from search; each change is a new version',
  tags: ['sellers'],
  auth: ['admin'],
  body: standingPolicyInputSchema,
  response: policy,
  otherResponses: {
    409: {
      description: 'policy_version_mismatch: expectedVersion is not the current version',
      schema: z.unknown(),
    },
  },
  maxBodyBytes: 1024,
});

const suspension = z.object({
  sellerId: z.string(),
  reason: z.string(),
  suspendedAt: z.string(),
  suspendedBy: z.string(),
});

export const suspendRoute = defineRoute({
  operationId: 'suspendSeller',
  method: 'put',
  path: '/sellers/{sellerId}/suspension',
  summary: "Suspends a seller's offers from search (admins); again, replaces the reason",
  tags: ['sellers'],
  auth: ['admin'],
  params: sellerParams,
  body: z.strictObject({ reason: text(500).describe('Why, as the seller will read it') }),
  response: suspension,
  maxBodyBytes: 4 * 1024,
});

export const reinstateRoute = defineRoute({
  operationId: 'reinstateSeller',
  method: 'delete',
  path: '/sellers/{sellerId}/suspension',
  summary: "Lifts an admin's suspension (the policy may still suspend the seller's grade)",
  tags: ['sellers'],
  auth: ['admin'],
  params: sellerParams,
  successStatus: 204,
  response: z.undefined(),
  otherResponses: {
    409: { description: 'not_suspended: no admin suspended the seller', schema: z.unknown() },
  },
});

export const complaintRoute = defineRoute({
  operationId: 'fileComplaint',
  method: 'post',
  path: '/offers/{offerId}/complaints',
  summary:
    "The buyer of a paid order (shipped, delivered or returned since) reports one of its offers; once per order line. An order not the caller's, not paid, or without the offer is 404",
  tags: ['sellers'],
  auth: ['member'],
  params: z.strictObject({ offerId: catalogId }),
  body: z.strictObject({
    orderId: z.uuid(),
    kind: z.enum(complaintKinds),
    detail: text(2000).describe("What is wrong, in the buyer's words"),
  }),
  successStatus: 201,
  response: z.object({
    orderId: z.string(),
    offerId: z.string(),
    sellerId: z.string(),
    kind: z.enum(complaintKinds),
    detail: z.string(),
    createdAt: z.string(),
  }),
  otherResponses: {
    409: { description: 'complaint_exists: the order line already has a complaint', schema: z.unknown() },
  },
  maxBodyBytes: 8 * 1024,
});

export const sellerRoutes = [
  myStandingRoute,
  sellerStandingRoute,
  getPolicyRoute,
  putPolicyRoute,
  suspendRoute,
  reinstateRoute,
  complaintRoute,
];
