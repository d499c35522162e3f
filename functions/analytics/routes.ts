/** Contracts of analytics: the reports as time series, for admins. */
import * as z from 'zod';
import { granularities, reportNames } from '../../shared/domain/analytics';
import { defineRoute } from '../../shared/http';

const point = z.object({
  bucket: z.string().describe('2026-11-25T09 (hour, UTC) or 2026-11-25 (day, Seoul)'),
  start: z.string().describe('When the bucket starts, ISO 8601 UTC'),
  values: z.record(z.string(), z.number()),
});

export const analyticsReportRoute = defineRoute({
  operationId: 'analyticsReport',
  method: 'get',
  path: '/analytics/{report}',
  summary:
    'A report as time series, a point per hour or day: purchases (groupBy all, ageBand, gender, region, amountBand), sales (all, seller, group), promotions (promotion), revenue (all), ads (all, campaign, seller, placement)',
  tags: ['analytics'],
  auth: ['admin'],
  // Reports can wait out a spike: shed first.
  priority: 'optional',
  params: z.strictObject({ report: z.enum(reportNames) }),
  // The report is an enum: there is no report the path can name that does not exist.
  notFound: false,
  query: z.strictObject({
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('Default: 7 days (day) or 24 hours (hour) before to'),
    to: z.iso.datetime({ offset: true }).optional().describe('Default: now'),
    granularity: z.enum(granularities).default('day'),
    groupBy: z.string().max(50).optional().describe('A dimension of the report; default its first'),
    limit: z.coerce.number().int().min(1).max(100).default(20).describe('Series, largest amount first'),
  }),
  response: z.object({
    report: z.enum(reportNames),
    granularity: z.enum(granularities),
    groupBy: z.string(),
    from: z.string(),
    to: z.string(),
    fields: z.array(z.string()),
    series: z.array(
      z.object({ key: z.string(), totals: z.record(z.string(), z.number()), points: z.array(point) }),
    ),
  }),
  otherResponses: {
    422: {
      description:
        'invalid_group_by (a dimension the report has not), invalid_range (from after to) or range_too_large (over 744 hours or 366 days)',
      schema: z.unknown(),
    },
  },
});

export const analyticsRoutes = [analyticsReportRoute];
