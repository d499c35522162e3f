/**
 * A load test's timeline: every request it sent, bucketed by the second it was sent in (request
 * rate, p50/p99 latency, error and 429 rates per kind of request), the local Lambda runtime's pools
 * second by second (containers, busy ones, throttles), and an HTML page drawing both as inline SVG
 * line charts, readable offline (no script, no stylesheet, no font to fetch).
 */
import type { FunctionStats } from '../../stack/lambda/runtime';

/** Searches, views of a product group's offers (price comparison), orders. */
export const requestKinds = ['search', 'offers', 'order'] as const;
export type RequestKind = (typeof requestKinds)[number];

export interface RequestSample {
  /** When the request was due to be sent (an open-loop plan's time), in ms from the start. */
  atMs: number;
  kind: RequestKind;
  /** The HTTP status, or 0 when no answer came (connection refused or reset, or no answer in time). */
  status: number;
  /** From atMs to the end of the (final) answer. */
  latencyMs: number;
  /** Times it was sent again after a 429, if any. */
  retries?: number;
}

export interface KindStats {
  requests: number;
  perSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Answers of 5xx and requests without an answer. */
  errors: number;
  /** errors as a share of requests (0 to 1); 0 without requests. */
  errorRate: number;
  /** 429 Too Many Requests. */
  throttled: number;
  throttledRate: number;
}

export interface TimelineBucket {
  /** Seconds from the start of the scenario to the start of the bucket. */
  startS: number;
  kinds: Record<RequestKind, KindStats>;
}

/** What counts as an error: the server failed (5xx), or nothing answered (0). */
export const isError = (status: number) => status === 0 || status >= 500;

/** The nearest-rank percentile (0 < q <= 1) of ascending values; null when there are none. */
export function percentile(ascending: readonly number[], q: number): number | null {
  if (ascending.length === 0) return null;
  const rank = Math.ceil(q * ascending.length);
  return ascending[Math.min(ascending.length, Math.max(1, rank)) - 1] ?? null;
}

/** The figures of one kind's samples over `seconds`. */
export function kindStats(samples: readonly RequestSample[], seconds: number): KindStats {
  const latencies = samples.map((sample) => sample.latencyMs).sort((a, b) => a - b);
  const errors = samples.filter((sample) => isError(sample.status)).length;
  const throttled = samples.filter((sample) => sample.status === 429).length;
  const share = (count: number) => (samples.length === 0 ? 0 : count / samples.length);
  return {
    requests: samples.length,
    perSecond: seconds > 0 ? samples.length / seconds : 0,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    errors,
    errorRate: share(errors),
    throttled,
    throttledRate: share(throttled),
  };
}

/**
 * Buckets of `bucketMs` from 0 until the last request sent (or `spanMs`, whichever is later),
 * empty ones included so a quiet second reads as 0 requests. A request counts in the bucket it was
 * sent in, however long its answer took.
 */
export function timelineBuckets(
  samples: readonly RequestSample[],
  bucketMs = 1_000,
  spanMs = 0,
): TimelineBucket[] {
  const lastMs = samples.reduce((latest, sample) => Math.max(latest, sample.atMs), spanMs - 1);
  const count = Math.max(0, Math.floor(lastMs / bucketMs) + 1);
  const grouped = Array.from({ length: count }, () => new Map<RequestKind, RequestSample[]>());
  for (const sample of samples) {
    const slot = grouped[Math.max(0, Math.floor(sample.atMs / bucketMs))];
    if (!slot) continue;
    const ofKind = slot.get(sample.kind);
    if (ofKind) ofKind.push(sample);
    else slot.set(sample.kind, [sample]);
  }
  return grouped.map((byKind, index) => ({
    startS: (index * bucketMs) / 1_000,
    kinds: Object.fromEntries(
      requestKinds.map((kind) => [kind, kindStats(byKind.get(kind) ?? [], bucketMs / 1_000)]),
    ) as Record<RequestKind, KindStats>,
  }));
}

/** A function pool's figures in `GET /local/stats` of the local Lambda runtime (stack/lambda). */
export type PoolFigures = FunctionStats;

/** One `GET /local/stats` answer, taken `atMs` from the start of the scenario. */
export interface StatsSnapshot {
  atMs: number;
  functions: Record<string, PoolFigures>;
}

/** A function's second: its containers and busy ones when the second ended, and what happened in it. */
export interface FunctionSecond {
  startS: number;
  containers: number;
  busy: number;
  invocations: number;
  throttles: number;
}

export interface FunctionTimeline {
  name: string;
  /** Its concurrency: reserved, or what the account leaves. */
  limit: number;
  /** The request kind it serves, to draw it beside that kind's latency. */
  kind?: RequestKind;
  seconds: FunctionSecond[];
}

/**
 * Per function that ran between the first and the last snapshot (taken about once a second), one
 * entry per interval between two snapshots: containers and busy as the later one says (busy is an
 * instant, not the second's peak), invocations and throttles as the difference of the two.
 */
export function functionTimelines(
  snapshots: readonly StatsSnapshot[],
  kindOf: (name: string) => RequestKind | undefined = () => undefined,
): FunctionTimeline[] {
  const first = snapshots[0];
  const last = snapshots.at(-1);
  if (!first || !last || snapshots.length < 2) return [];
  const ran = Object.keys(last.functions).filter((name) => {
    const before = first.functions[name];
    const after = last.functions[name];
    return (
      after !== undefined &&
      (after.invocations !== (before?.invocations ?? 0) ||
        after.throttles !== (before?.throttles ?? 0) ||
        after.busy > 0)
    );
  });
  return ran.map((name) => ({
    name,
    limit: last.functions[name]?.limit ?? 0,
    kind: kindOf(name),
    seconds: snapshots.slice(1).map((snapshot, index) => {
      const now = snapshot.functions[name];
      const before = snapshots[index]?.functions[name];
      return {
        startS: Math.round((snapshots[index]?.atMs ?? 0) / 100) / 10,
        containers: now?.containers ?? 0,
        busy: now?.busy ?? 0,
        invocations: (now?.invocations ?? 0) - (before?.invocations ?? 0),
        throttles: (now?.throttles ?? 0) - (before?.throttles ?? 0),
      };
    }),
  }));
}

export interface TimelineReport {
  title: string;
  /** Lines under the title: what ran, when, with which options. */
  notes: string[];
  checks: { name: string; pass: boolean; detail: string }[];
  /** Instants drawn as a vertical line on every chart (the promotion start). */
  markers: { atS: number; label: string }[];
  bucketSeconds: number;
  buckets: TimelineBucket[];
  /** The runtime's pools, each charted beside the latency of the kind it serves (the others after). */
  functions?: FunctionTimeline[];
}

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** A round step (1, 2 or 5 times a power of ten) giving about `ticks` ticks up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10;
  return step * power;
}

const formatTick = (value: number) =>
  Math.abs(value) >= 1_000 ? value.toLocaleString('en') : String(Number(value.toPrecision(3)));

interface Line {
  name: string;
  color: string;
  dash?: string;
  /** One value per bucket; null draws no point (a gap in the line). */
  values: (number | null)[];
}

interface Chart {
  title: string;
  yLabel: string;
  lines: Line[];
}

const width = 820;
const height = 260;
const margin = { top: 30, right: 20, bottom: 44, left: 70 };

function lineChart(chart: Chart, report: TimelineReport): string {
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const spanS = Math.max(report.bucketSeconds, report.buckets.length * report.bucketSeconds);
  const peak = Math.max(0, ...chart.lines.flatMap((line) => line.values.map((value) => value ?? 0)));
  const step = peak > 0 ? niceStep(peak, 5) : 1;
  const top = Math.max(step, Math.ceil(peak / step) * step);
  const x = (seconds: number) => margin.left + (seconds / spanS) * plotWidth;
  const y = (value: number) => margin.top + plotHeight - (value / top) * plotHeight;
  const parts: string[] = [];
  for (let value = 0; value <= top + step / 2; value += step) {
    parts.push(
      `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e4e4e4"/>`,
      `<text x="${margin.left - 6}" y="${y(value) + 4}" text-anchor="end">${formatTick(value)}</text>`,
    );
  }
  const xStep = niceStep(spanS, 10);
  for (let seconds = 0; seconds <= spanS + xStep / 2; seconds += xStep) {
    parts.push(
      `<line x1="${x(seconds)}" x2="${x(seconds)}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 4}" stroke="#555"/>`,
      `<text x="${x(seconds)}" y="${margin.top + plotHeight + 17}" text-anchor="middle">${formatTick(seconds)}</text>`,
    );
  }
  parts.push(
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#555"/>`,
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight}" stroke="#555"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">seconds since the start</text>`,
    `<text transform="translate(16 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(chart.yLabel)}</text>`,
    `<text x="${margin.left}" y="18" font-weight="bold">${escapeHtml(chart.title)}</text>`,
  );
  for (const marker of report.markers) {
    parts.push(
      `<line x1="${x(marker.atS)}" x2="${x(marker.atS)}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#999" stroke-dasharray="4 3"/>`,
      `<text x="${x(marker.atS) + 4}" y="${margin.top + 12}" fill="#666">${escapeHtml(marker.label)}</text>`,
    );
  }
  for (const line of chart.lines) {
    // Each run of buckets with a value is one path; a bucket without one breaks the line.
    let path = '';
    let drawing = false;
    line.values.forEach((value, index) => {
      if (value === null) {
        drawing = false;
        return;
      }
      const at = `${x((index + 0.5) * report.bucketSeconds).toFixed(1)} ${y(value).toFixed(1)}`;
      path += drawing ? ` L${at}` : ` M${at}`;
      drawing = true;
    });
    parts.push(
      `<path d="${path.trim()}" fill="none" stroke="${line.color}" stroke-width="1.8"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''}/>`,
    );
  }
  chart.lines.forEach((line, index) => {
    const left = width - margin.right - 150 * (chart.lines.length - index);
    parts.push(
      `<line x1="${left}" x2="${left + 22}" y1="14" y2="14" stroke="${line.color}" stroke-width="2"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''}/>`,
      `<text x="${left + 28}" y="18">${escapeHtml(line.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeHtml(chart.title)}">${parts.join('')}</svg>`;
}

const colors: Record<RequestKind, string> = { search: '#1f77b4', offers: '#2ca02c', order: '#d62728' };

/**
 * A function's containers and busy containers, and its throttles apart (thousands a second beside
 * a limit of 10 would flatten the containers), one point per second.
 */
function functionCharts(timeline: FunctionTimeline, buckets: number): Chart[] {
  const values = (figure: (second: FunctionSecond) => number) => {
    const out: (number | null)[] = Array.from({ length: buckets }, () => null);
    for (const second of timeline.seconds) {
      const index = Math.floor(second.startS);
      if (index >= 0 && index < buckets) out[index] = figure(second);
    }
    return out;
  };
  return [
    {
      title: `${timeline.name} (limit ${timeline.limit})`,
      yLabel: 'containers',
      lines: [
        { name: 'containers', color: '#555', values: values((second) => second.containers) },
        { name: 'busy', color: '#1f77b4', dash: '5 3', values: values((second) => second.busy) },
      ],
    },
    {
      title: `${timeline.name}: throttled`,
      yLabel: 'throttles/s',
      lines: [{ name: 'throttles/s', color: '#d62728', values: values((second) => second.throttles) }],
    },
  ];
}

/** The charts in rows: each kind's latency with its function's pool beside it. */
function chartRows(report: TimelineReport): Chart[][] {
  const { buckets } = report;
  const of = (kind: RequestKind, figure: (stats: KindStats) => number | null) =>
    buckets.map((bucket) => figure(bucket.kinds[kind]));
  const byKind = (figure: (stats: KindStats) => number | null) =>
    requestKinds.map((kind) => ({ name: kind, color: colors[kind], values: of(kind, figure) }));
  const latency = (kind: RequestKind): Chart => ({
    title: `${kind} latency, by the second the request was sent`,
    yLabel: 'ms',
    lines: [
      { name: 'p50', color: colors[kind], values: of(kind, (stats) => stats.p50Ms) },
      { name: 'p99', color: colors[kind], dash: '5 3', values: of(kind, (stats) => stats.p99Ms) },
    ],
  });
  // A second without requests of a kind has no rate to show.
  const share = (rate: (stats: KindStats) => number) => (stats: KindStats) =>
    stats.requests === 0 ? null : rate(stats) * 100;
  const functions = report.functions ?? [];
  const pool = (timeline: FunctionTimeline) => functionCharts(timeline, buckets.length);
  const rows: Chart[][] = [
    [{ title: 'Requests sent per second', yLabel: 'requests/s', lines: byKind((stats) => stats.perSecond) }],
    ...requestKinds.map((kind) => [
      latency(kind),
      ...functions.filter((timeline) => timeline.kind === kind).flatMap(pool),
    ]),
    [
      {
        title: 'Errors: 5xx and no answer',
        yLabel: '% of requests',
        lines: byKind(share((stats) => stats.errorRate)),
      },
      {
        title: '429 Too Many Requests',
        yLabel: '% of requests',
        lines: byKind(share((stats) => stats.throttledRate)),
      },
    ],
  ];
  for (const timeline of functions.filter((each) => each.kind === undefined)) rows.push(pool(timeline));
  return rows;
}

/** The report as one self-contained HTML page. */
export function timelineHtml(report: TimelineReport): string {
  const checks = report.checks
    .map(
      (check) =>
        `<tr><td class="${check.pass ? 'pass' : 'fail'}">${check.pass ? 'PASS' : 'FAIL'}</td><td>${escapeHtml(check.name)}</td><td>${escapeHtml(check.detail)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(report.title)}</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #222; }
table { border-collapse: collapse; margin: 12px 0 24px; }
td { border: 1px solid #ddd; padding: 4px 8px; vertical-align: top; }
.pass { color: #17803d; font-weight: bold; }
.fail { color: #c0262d; font-weight: bold; }
svg { display: block; margin: 12px 0; }
.row { display: flex; flex-wrap: wrap; gap: 0 16px; }
</style>
</head>
<body>
<h1>${escapeHtml(report.title)}</h1>
${report.notes.map((note) => `<p>${escapeHtml(note)}</p>`).join('\n')}
<table>
${checks}
</table>
${chartRows(report)
  .map((row) => `<div class="row">${row.map((chart) => lineChart(chart, report)).join('')}</div>`)
  .join('\n')}
</body>
</html>
`;
}
