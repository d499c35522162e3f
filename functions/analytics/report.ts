/** GET /analytics/{report}: a report's counters over a time range, as chart-ready series. */
import {
  bucketCount,
  bucketsBetween,
  type Granularity,
  reports,
  seriesOf,
} from '../../shared/domain/analytics';
import { counterItems } from '../../shared/dynamo/analytics-store';
import { ApiError } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { analyticsReportRoute } from './routes';

const defaultSpanMs: Record<Granularity, number> = { hour: 24 * 3_600_000, day: 7 * 86_400_000 };
/** A month of hours or a year of days is as much as one chart shows. */
const maxBuckets: Record<Granularity, number> = { hour: 744, day: 366 };

export const handler = authenticatedHttpHandler(analyticsReportRoute, async ({ params, query }) => {
  const report = reports[params.report];
  const groupBy = query.groupBy ?? Object.keys(report.dimensions)[0] ?? 'all';
  const dimension = report.dimensions[groupBy];
  if (!dimension)
    throw new ApiError(
      422,
      'invalid_group_by',
      `${report.name} groups by ${Object.keys(report.dimensions).join(', ')}`,
    );
  const toMs = query.to ? Date.parse(query.to) : Date.now();
  const fromMs = query.from ? Date.parse(query.from) : toMs - defaultSpanMs[query.granularity];
  if (fromMs > toMs) throw new ApiError(422, 'invalid_range', 'from is after to');
  if (bucketCount(query.granularity, fromMs, toMs) > maxBuckets[query.granularity])
    throw new ApiError(
      422,
      'range_too_large',
      `At most ${maxBuckets[query.granularity]} ${query.granularity}s at a time`,
    );
  const buckets = bucketsBetween(query.granularity, fromMs, toMs);
  const items = await counterItems(
    report.name,
    query.granularity,
    groupBy,
    dimension.shards,
    buckets[0] as string,
    buckets[buckets.length - 1] as string,
  );
  return {
    report: report.name,
    granularity: query.granularity,
    groupBy,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    fields: [...report.fields],
    series: seriesOf(report, query.granularity, buckets, items, query.limit),
  };
});
