/** The flash-sale report's timeline: requests bucketed by the second they were sent, and its page. */
import {
  functionTimelines,
  isError,
  kindStats,
  percentile,
  type RequestSample,
  timelineBuckets,
  timelineHtml,
} from '../../../bench/support/timeline-report';

const sample = (atMs: number, kind: RequestSample['kind'], status = 200, latencyMs = 10): RequestSample => ({
  atMs,
  kind,
  status,
  latencyMs,
});

describe('percentiles (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, index) => index + 1);

  it('reads the value at rank ceil(q * n)', () => {
    expect(percentile(oneToHundred, 0.5)).toBe(50);
    expect(percentile(oneToHundred, 0.99)).toBe(99);
    expect(percentile(oneToHundred, 1)).toBe(100);
    expect(percentile([10, 20, 30], 0.5)).toBe(20);
    expect(percentile([10, 20, 30], 0.99)).toBe(30);
  });

  it('is the only value of one, and null of none', () => {
    expect(percentile([7], 0.5)).toBe(7);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('errors', () => {
  it('are 5xx answers and requests without an answer, not 4xx', () => {
    expect([0, 500, 503, 504].every(isError)).toBe(true);
    expect([200, 201, 400, 409, 429].some(isError)).toBe(false);
  });
});

describe('bucketing', () => {
  it('counts a request in the second it was sent, however long it took', () => {
    const buckets = timelineBuckets([
      sample(0, 'search'),
      sample(999, 'search', 200, 5_000),
      sample(1_000, 'order'),
      sample(2_500, 'search'),
    ]);
    expect(buckets.map((bucket) => bucket.startS)).toEqual([0, 1, 2]);
    expect(buckets.map((bucket) => bucket.kinds.search.requests)).toEqual([2, 0, 1]);
    expect(buckets.map((bucket) => bucket.kinds.order.requests)).toEqual([0, 1, 0]);
    expect(buckets[0]?.kinds.search.p99Ms).toBe(5_000);
  });

  it('keeps quiet seconds, up to the span asked for', () => {
    const buckets = timelineBuckets([sample(500, 'search'), sample(3_200, 'search')], 1_000, 6_000);
    expect(buckets).toHaveLength(6);
    expect(buckets.map((bucket) => bucket.kinds.search.requests)).toEqual([1, 0, 0, 1, 0, 0]);
    const quiet = buckets[1]?.kinds.search;
    expect(quiet).toEqual({
      requests: 0,
      perSecond: 0,
      p50Ms: null,
      p99Ms: null,
      errors: 0,
      errorRate: 0,
      throttled: 0,
      throttledRate: 0,
    });
  });

  it('is empty without samples or span', () => {
    expect(timelineBuckets([])).toEqual([]);
  });

  it('gives latency percentiles per kind and bucket', () => {
    const samples = [
      ...Array.from({ length: 100 }, (_, index) => sample(100, 'search', 200, index + 1)),
      sample(200, 'order', 201, 900),
      sample(300, 'order', 409, 100),
    ];
    const [bucket] = timelineBuckets(samples);
    expect(bucket?.kinds.search.p50Ms).toBe(50);
    expect(bucket?.kinds.search.p99Ms).toBe(99);
    expect(bucket?.kinds.order.p50Ms).toBe(100);
    expect(bucket?.kinds.order.p99Ms).toBe(900);
  });
});

describe('rates', () => {
  it('are requests per second of the bucket, and shares of its requests', () => {
    const samples = [
      sample(0, 'order', 201),
      sample(100, 'order', 409),
      sample(200, 'order', 429),
      sample(300, 'order', 504),
      sample(400, 'order', 0),
      sample(500, 'search', 200),
    ];
    const [bucket] = timelineBuckets(samples, 500);
    expect(bucket?.kinds.order).toMatchObject({
      requests: 5,
      perSecond: 10,
      errors: 2,
      errorRate: 0.4,
      throttled: 1,
      throttledRate: 0.2,
    });
    expect(timelineBuckets(samples, 500)[1]?.kinds.search.perSecond).toBe(2);
  });

  it('over a whole run divide by its seconds', () => {
    const stats = kindStats([sample(0, 'search'), sample(10, 'search', 503), sample(20, 'search')], 4);
    expect(stats.perSecond).toBe(0.75);
    expect(stats.errorRate).toBeCloseTo(1 / 3);
  });
});

describe('the page', () => {
  const page = timelineHtml({
    title: 'Flash sale <run>',
    notes: ['2 buyers & 1 unit'],
    checks: [
      { name: 'oversell', pass: true, detail: '0' },
      { name: 'errors', pass: false, detail: '1 answer 504' },
    ],
    markers: [{ atS: 1, label: 'promotion starts' }],
    bucketSeconds: 1,
    buckets: timelineBuckets([sample(0, 'search'), sample(1_200, 'order', 201, 300)]),
  });

  it('draws its charts inline, with nothing to fetch or run', () => {
    // Requests, the latency of each of the three kinds, errors and 429s.
    expect(page.match(/<svg /g)).toHaveLength(6);
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(page).toContain('seconds since the start');
    expect(page).toContain('requests/s');
    expect(page).toContain('promotion starts');
  });

  it('shows each check and escapes text', () => {
    expect(page).toContain('Flash sale &lt;run&gt;');
    expect(page).toContain('2 buyers &amp; 1 unit');
    expect(page).toContain('<td class="fail">FAIL</td><td>errors</td>');
  });
});

describe("the runtime's pools", () => {
  const pool = (containers: number, busy: number, invocations: number, throttles: number) => ({
    containers,
    provisioned: 0,
    busy,
    invocations,
    coldStarts: containers,
    throttles,
    leftRunning: 0,
    initMs: [],
    limit: 20,
  });
  const snapshots = [
    { atMs: 0, functions: { search: pool(1, 0, 1, 0), idle: pool(1, 0, 3, 0) } },
    { atMs: 1_000, functions: { search: pool(4, 4, 31, 2), idle: pool(1, 0, 3, 0) } },
    { atMs: 2_010, functions: { search: pool(20, 18, 301, 12), idle: pool(1, 0, 3, 0) } },
  ];

  it('gives per second the containers, busy ones, and the invocations and throttles in it, of the functions that ran', () => {
    const timelines = functionTimelines(snapshots, (name) => (name === 'search' ? 'search' : undefined));
    expect(timelines).toEqual([
      {
        name: 'search',
        limit: 20,
        kind: 'search',
        seconds: [
          { startS: 0, containers: 4, busy: 4, invocations: 30, throttles: 2 },
          { startS: 1, containers: 20, busy: 18, invocations: 270, throttles: 10 },
        ],
      },
    ]);
    expect(functionTimelines(snapshots.slice(0, 1))).toEqual([]);
  });

  it('charts each beside the latency of the kind it serves', () => {
    const page = timelineHtml({
      title: 'pools',
      notes: [],
      checks: [],
      markers: [],
      bucketSeconds: 1,
      buckets: timelineBuckets([sample(0, 'search'), sample(1_500, 'search')]),
      functions: functionTimelines(snapshots, () => 'search'),
    });
    // The six, and the function's containers and its throttles.
    expect(page.match(/<svg /g)).toHaveLength(8);
    expect(page).toMatch(/search latency[\s\S]*?<\/svg><svg [^>]*aria-label="search \(limit 20\)"/);
    expect(page).toContain('throttles/s');
  });
});
