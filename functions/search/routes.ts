/** Contracts of the search endpoints: internal search, price comparison, partners, autocomplete. */
import * as z from 'zod';
import { catalogId, keywordSchema } from '../../shared/domain/catalog';
import {
  defaultGroupsPerPage,
  defaultOffersPerGroup,
  maxGroupsPerPage,
  maxOffersPerGroup,
} from '../../shared/domain/search';
import { defineRoute } from '../../shared/http';

const count = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
const offset = z.coerce.number().int().min(0).max(10_000).default(0);

const offerSummary = z.object({
  offerId: z.string(),
  sellerId: z.string(),
  title: z.string(),
  category: z.string(),
  price: z.int().describe('List price, won'),
  shippingFee: z.int().describe('Won'),
  discount: z
    .int()
    .describe('Won off the price under the promotion that gives the best price now; 0 without'),
  promotionId: z.string().nullable().describe('That promotion, or null'),
  totalPrice: z
    .int()
    .describe(
      'Price less discount plus shipping fee, in won: what the buyer pays and what offers are ranked by',
    ),
  url: z.string(),
});

const slot = offerSummary
  .extend({
    groupId: z.string(),
    kind: z
      .enum(['sponsored', 'default'])
      .describe(
        'sponsored: a paid ad; default: an offer of the page itself, shown when no ad takes the slot',
      ),
    sponsored: z.boolean().describe('true for a paid ad'),
    campaignId: z.string().nullable().describe('The campaign of a paid ad; null for default content'),
    clickUrl: z
      .string()
      .nullable()
      .describe(
        '/ads/click/{token} for a paid ad (valid 30 minutes); null for default content, which links to url',
      ),
  })
  .describe('A sponsored slot, at the list price');

const slots = (where: string) =>
  z
    .array(slot)
    .describe(
      `The ${where}'s sponsored slots (up to the stage's number): ads first, then default content when ads are unavailable, slow or too few; never changes the order of the other results`,
    );

const answerSource = z
  .enum(['cache', 'database'])
  .describe('Redis, or DynamoDB when Redis missed or was unreachable (slower, same answer)');

const groupResult = z.object({
  groupId: z.string(),
  lowestTotalPrice: z.int().describe('totalPrice of its cheapest offer'),
  offerCount: z.int().describe('Listed offers of the group'),
  offers: z.array(offerSummary).describe('The cheapest offers, cheapest first'),
});

export const searchRoute = defineRoute({
  operationId: 'searchByKeyword',
  method: 'get',
  path: '/search',
  summary: 'Product groups for a keyword, cheapest lowest total price first, each with its cheapest offers',
  tags: ['search'],
  // A signed-in member's searches feed their history and related keywords; anyone may search.
  auth: 'optional',
  query: z.strictObject({
    q: keywordSchema,
    limit: count(maxGroupsPerPage, defaultGroupsPerPage).describe('Groups per page'),
    offset: offset.describe('Groups to skip'),
    offers: count(maxOffersPerGroup, defaultOffersPerGroup).describe('Offers shown per group'),
  }),
  response: z.object({
    keyword: z.string(),
    totalGroups: z.int(),
    offset: z.int(),
    limit: z.int(),
    nextOffset: z.int().nullable().describe('Offset of the next page; null on the last'),
    groups: z.array(groupResult),
    sponsored: slots('page'),
    related: z.array(z.string()).describe('Keywords often searched together with this one'),
    source: answerSource,
  }),
});

export const groupOffersRoute = defineRoute({
  operationId: 'getGroupOffers',
  method: 'get',
  path: '/groups/{groupId}/offers',
  summary: 'Price comparison of a product group: its listed offers, cheapest total price first',
  tags: ['search'],
  params: z.strictObject({ groupId: catalogId }),
  query: z.strictObject({
    limit: count(200, 50),
    offset,
  }),
  response: z.object({
    groupId: z.string(),
    offerCount: z.int(),
    offset: z.int(),
    limit: z.int(),
    nextOffset: z.int().nullable(),
    offers: z.array(offerSummary),
    relatedAds: slots("group's page"),
    source: answerSource,
  }),
});

const partnerResult = offerSummary.extend({ groupId: z.string() });

export const partnerLowestPriceRoute = defineRoute({
  operationId: 'getPartnerLowestPrice',
  method: 'get',
  path: '/partner/v1/lowest-price',
  summary: "For partner sites: each product group's cheapest offer for a keyword, with its price and URL",
  tags: ['partner'],
  // Partners are limited by their own quota (shared/search/partners.ts), not by address.
  rateLimit: false,
  query: z.strictObject({
    keyword: keywordSchema,
    limit: count(100, 20).describe('Product groups'),
    offset,
  }),
  response: z.object({
    keyword: z.string(),
    totalGroups: z.int(),
    nextOffset: z.int().nullable(),
    results: z.array(partnerResult),
  }),
  otherResponses: {
    401: {
      description: 'Missing or unknown API key (x-api-key header): invalid_api_key',
      schema: z.unknown(),
    },
    429: {
      description:
        "too_many_requests: the partner's quota is used up, or this address looked up too many unknown API keys; see Retry-After",
      schema: z.unknown(),
    },
  },
});

export const suggestRoute = defineRoute({
  operationId: 'suggestKeywords',
  method: 'get',
  path: '/search/suggest',
  summary: 'Autocomplete: known keywords starting with a prefix, most searched first',
  tags: ['search'],
  // Can wait out a spike: shed first.
  priority: 'optional',
  query: z.strictObject({
    prefix: keywordSchema,
    limit: count(20, 10),
  }),
  response: z.object({
    prefix: z.string(),
    suggestions: z.array(z.string()),
    source: answerSource,
  }),
});

export const popularRoute = defineRoute({
  operationId: 'getPopularKeywords',
  method: 'get',
  path: '/search/popular',
  summary: 'The most searched keywords of a day (Asia/Seoul), most first',
  tags: ['search'],
  // Can wait out a spike: shed first.
  priority: 'optional',
  query: z.strictObject({
    day: z.iso.date().optional().describe('YYYY-MM-DD; today by default'),
    limit: count(50, 10),
  }),
  response: z.object({
    day: z.string(),
    keywords: z.array(z.object({ keyword: z.string(), searches: z.int() })),
    available: z.boolean().describe('false while the search counts (Redis) cannot be reached'),
  }),
});

export const searchRoutes = [
  searchRoute,
  groupOffersRoute,
  partnerLowestPriceRoute,
  suggestRoute,
  popularRoute,
];
