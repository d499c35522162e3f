/**
 * Contracts of sponsored offers: sellers run campaigns for their own offers, admins suspend them,
 * and shoppers' clicks on sponsored slots go through the click redirect (docs/ads.md).
 */
import * as z from 'zod';
import {
  campaignFieldsSchema,
  campaignInputSchema,
  clickTokenPattern,
  validWindow,
} from '../../shared/domain/ads';
import { catalogId } from '../../shared/domain/catalog';
import { defineRoute } from '../../shared/http';

const campaign = campaignFieldsSchema.omit({ offerIds: true }).extend({
  campaignId: z.string(),
  sellerId: z.string(),
  offers: z
    .array(z.object({ offerId: z.string(), groupId: z.string() }))
    .describe('The offers it advertises, in the order given'),
  status: z.enum(['active', 'paused']).describe('Set by the seller: POST …/pause and …/resume'),
  suspended: z.boolean().describe('Set by an admin for this campaign'),
  sellerSuspended: z.boolean().describe("Set by an admin for all of the seller's campaigns"),
  version: z.int().describe('Incremented by every change'),
  createdAt: z.string(),
  updatedAt: z.string(),
  spentTodayWon: z.int().describe('What its clicks cost today (Asia/Seoul), won'),
  servingNow: z.boolean().describe('Whether its ads may be shown now'),
  notServingBecause: z.enum(['paused', 'suspended', 'out_of_schedule', 'out_of_budget']).nullable(),
});

const campaignParams = z.strictObject({ campaignId: catalogId });
const ownership = 'A campaign of another seller answers 404, as one that does not exist';
const rules = {
  description:
    "rule_violated: no keyword and no category, a daily budget below the bid, validFrom not before validUntil, or an offer that is not one of the seller's own (unknown, removed or another seller's)",
  schema: z.unknown(),
};

export const createCampaignRoute = defineRoute({
  operationId: 'createCampaign',
  method: 'post',
  path: '/sellers/me/campaigns',
  summary:
    "Creates a campaign for some of the seller's own offers: keywords and/or categories, a cost-per-click bid, a daily budget and a schedule (201)",
  tags: ['ads'],
  auth: ['seller'],
  body: campaignInputSchema,
  successStatus: 201,
  response: campaign,
  otherResponses: { 422: rules },
  maxBodyBytes: 16 * 1024,
});

export const listCampaignsRoute = defineRoute({
  operationId: 'listCampaigns',
  method: 'get',
  path: '/sellers/me/campaigns',
  summary: "The seller's own campaigns, with today's spend and whether each is serving",
  tags: ['ads'],
  auth: ['seller'],
  response: z.object({ campaigns: z.array(campaign) }),
});

export const getCampaignRoute = defineRoute({
  operationId: 'getCampaign',
  method: 'get',
  path: '/sellers/me/campaigns/{campaignId}',
  summary: `One of the seller's campaigns. ${ownership}`,
  tags: ['ads'],
  auth: ['seller'],
  params: campaignParams,
  response: campaign,
});

export const putCampaignRoute = defineRoute({
  operationId: 'putCampaign',
  method: 'put',
  path: '/sellers/me/campaigns/{campaignId}',
  summary: `Replaces one of the seller's campaigns at the version read (its status and suspension stay). ${ownership}`,
  tags: ['ads'],
  auth: ['seller'],
  params: campaignParams,
  body: campaignFieldsSchema
    .extend({
      expectedVersion: z
        .int()
        .positive()
        .max(Number.MAX_SAFE_INTEGER)
        .describe('The version of the campaign as read'),
    })
    .refine(validWindow.check, validWindow.params),
  response: campaign,
  otherResponses: {
    409: {
      description:
        'campaign_version_mismatch (it changed since expectedVersion: read it again); campaign_changed_concurrently (retry)',
      schema: z.unknown(),
    },
    422: rules,
  },
  maxBodyBytes: 16 * 1024,
});

const statusRoute = (action: 'pause' | 'resume') =>
  defineRoute({
    operationId: `${action}Campaign`,
    method: 'post',
    path: `/sellers/me/campaigns/{campaignId}/${action}`,
    summary: `${action === 'pause' ? 'Pauses' : 'Resumes'} one of the seller's campaigns: its ads ${action === 'pause' ? 'stop' : 'start again'} within 5 s. ${ownership}`,
    tags: ['ads'],
    auth: ['seller'],
    params: campaignParams,
    response: campaign,
    otherResponses: {
      409: { description: 'campaign_changed_concurrently (retry)', schema: z.unknown() },
    },
  });
export const pauseCampaignRoute = statusRoute('pause');
export const resumeCampaignRoute = statusRoute('resume');

const suspendCampaignRoute = (action: 'suspend' | 'reinstate') =>
  defineRoute({
    operationId: `${action}Campaign`,
    method: 'post',
    path: `/campaigns/{campaignId}/${action}`,
    summary: `${action === 'suspend' ? 'Suspends' : 'Reinstates'} one campaign (admins): its ads ${action === 'suspend' ? 'stop' : 'may start again'} within 5 s`,
    tags: ['ads'],
    auth: ['admin'],
    params: campaignParams,
    response: campaign,
    otherResponses: {
      409: { description: 'campaign_changed_concurrently (retry)', schema: z.unknown() },
    },
  });
export const suspendOneCampaignRoute = suspendCampaignRoute('suspend');
export const reinstateOneCampaignRoute = suspendCampaignRoute('reinstate');

const sellerSuspensionRoute = (action: 'suspend' | 'reinstate') =>
  defineRoute({
    operationId: `${action}SellerCampaigns`,
    method: 'post',
    path: `/sellers/{sellerId}/campaigns/${action}`,
    summary: `${action === 'suspend' ? 'Suspends' : 'Reinstates'} every campaign of a seller, those it creates later included (admins): its ads ${action === 'suspend' ? 'stop' : 'may start again'} within 5 s`,
    tags: ['ads'],
    auth: ['admin'],
    params: z.strictObject({ sellerId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
    // Any seller id may be suspended, one without campaigns yet included.
    notFound: false,
    response: z.object({
      sellerId: z.string(),
      suspended: z.boolean(),
      campaigns: z.int().describe("The seller's campaigns it applies to now"),
    }),
  });
export const suspendSellerCampaignsRoute = sellerSuspensionRoute('suspend');
export const reinstateSellerCampaignsRoute = sellerSuspensionRoute('reinstate');

export const adClickRoute = defineRoute({
  operationId: 'clickAd',
  method: 'get',
  path: '/ads/click/{token}',
  summary:
    "A click on a sponsored slot: redirects (302) to the offer, and charges the campaign its bid on the visitor's first click on that ad within 30 minutes, while its daily budget can pay it",
  tags: ['ads'],
  // A signed-in member is the visitor a click is counted for; anyone may click.
  auth: 'optional',
  params: z.strictObject({
    token: z
      .string()
      .regex(clickTokenPattern)
      .describe("From a slot's clickUrl: base64url claims, a dot, a base64url HMAC-SHA256 (43 characters)"),
  }),
  headers: z.object({
    'x-session-id': z
      .string()
      .optional()
      .describe(
        "The visitor's session, counted as the visitor when not signed in; ignored unless 8 to 100 of A-Z a-z 0-9 _ -",
      ),
  }),
  successStatus: 302,
  response: z.object({ location: z.string().describe('Also the Location header') }),
  otherResponses: {
    400: {
      description:
        "validation_failed: not of the token's shape; click_token_malformed: signed, but not claims the platform makes",
      schema: z.unknown(),
    },
    403: { description: 'click_token_forged: not signed by the platform', schema: z.unknown() },
    410: { description: 'click_token_expired: older than 30 minutes', schema: z.unknown() },
  },
});

export const adRoutes = [
  createCampaignRoute,
  listCampaignsRoute,
  getCampaignRoute,
  putCampaignRoute,
  pauseCampaignRoute,
  resumeCampaignRoute,
  suspendOneCampaignRoute,
  reinstateOneCampaignRoute,
  suspendSellerCampaignsRoute,
  reinstateSellerCampaignsRoute,
  adClickRoute,
];
