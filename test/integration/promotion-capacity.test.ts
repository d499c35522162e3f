/**
 * The capacity plan of the promotions reaches Application Auto Scaling as its API expects it: a
 * fake endpoint stands in for AWS's own service (and only for it) and records every request the
 * SDK client sends.
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CapacitySettings } from '../../shared/domain/capacity';
import type { Promotion } from '../../shared/domain/promotion';
import { planPromotionCapacity } from '../../shared/promotions/capacity';

interface Recorded {
  target: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const recorded: Recorded[] = [];
const stale = 'promotions-1700000000-peakcart-test-search-by-keyword-peak';
const fake = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const target = String(request.headers['x-amz-target']);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    recorded.push({ target, headers: request.headers, body });
    const answer =
      target.endsWith('DescribeScheduledActions') && String(body.ResourceId).includes('search-by-keyword')
        ? { ScheduledActions: [{ ScheduledActionName: stale }, { ScheduledActionName: 'quiet-hours-start' }] }
        : target.endsWith('DescribeScheduledActions')
          ? { ScheduledActions: [] }
          : {};
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(answer));
  });
});

const settings: CapacitySettings = {
  leadSeconds: 600,
  quietHours: { start: '02:00', end: '06:00', timeZone: 'Asia/Seoul' },
  functions: {
    'peakcart-test-search-by-keyword': { baseline: 2, quiet: 1, peak: 8 },
    'peakcart-test-checkout-place-order': { baseline: 1, quiet: 0, peak: 4 },
  },
};

beforeAll(async () => {
  fake.listen(0, '127.0.0.1');
  await once(fake, 'listening');
  process.env.AUTOSCALING_ENDPOINT = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  process.env.CAPACITY_SETTINGS = JSON.stringify(settings);
});

afterAll(() => {
  fake.close();
});

it('schedules each function at its peak ahead of a start, back at the end, and deletes what the plan no longer has', async () => {
  // 12:00-12:30 UTC, planned at 11:00 UTC (20:00 in Seoul, outside the quiet hours).
  const now = new Date('2026-12-02T11:00:00Z');
  const start = new Date('2026-12-02T12:00:00Z');
  const end = new Date('2026-12-02T12:30:00Z');
  const promotion = {
    promotionId: 'capacity-check',
    schedule: { kind: 'daily', start: '12:00', end: '12:30' },
    timeZone: 'UTC',
  } as Promotion;
  const { scheduled } = await planPromotionCapacity(now, [promotion]);

  for (const { target, headers, body } of recorded) {
    expect(target).toMatch(
      /^AnyScaleFrontendService\.(PutScheduledAction|DescribeScheduledActions|DeleteScheduledAction)$/,
    );
    expect(headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/application-autoscaling\/aws4_request/,
    );
    expect(body).toMatchObject({
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      ResourceId: expect.stringMatching(
        /^function:peakcart-test-(search-by-keyword|checkout-place-order):provisioned$/,
      ),
    });
  }
  const puts = recorded.filter((r) => r.target.endsWith('PutScheduledAction')).map((r) => r.body);
  expect(puts).toHaveLength(scheduled.length);
  for (const put of puts) {
    expect(put.Schedule).toMatch(/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/);
    expect(put.Timezone).toBe('UTC');
    expect(String(put.ScheduledActionName)).toMatch(/^promotions-[^:/|]{1,240}$/);
    const { MinCapacity, MaxCapacity } = put.ScalableTargetAction as Record<string, number>;
    expect(MinCapacity).toBe(MaxCapacity);
  }
  const at = (date: Date) => `at(${date.toISOString().slice(0, 19)})`;
  const searchResource = 'function:peakcart-test-search-by-keyword:provisioned';
  expect(puts).toContainEqual(
    expect.objectContaining({
      ResourceId: searchResource,
      Schedule: at(new Date(start.getTime() - 600_000)),
      ScalableTargetAction: { MinCapacity: 8, MaxCapacity: 8 },
    }),
  );
  expect(puts).toContainEqual(
    expect.objectContaining({
      ResourceId: searchResource,
      Schedule: at(end),
      ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 2 },
    }),
  );
  const deletes = recorded.filter((r) => r.target.endsWith('DeleteScheduledAction')).map((r) => r.body);
  // The stale planned action goes; the template's own quiet-hours actions are not the plan's.
  expect(deletes).toEqual([
    expect.objectContaining({ ResourceId: searchResource, ScheduledActionName: stale }),
  ]);
});
