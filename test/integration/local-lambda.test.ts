/**
 * The local Lambda runtime (stack/lambda) does to a function what Lambda does: containers of its
 * own, reused warm, never more at once than its reserved concurrency (429 beyond it), frozen from
 * its answer until its next invocation, a cold start reported with its init duration.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FunctionDefinition } from '../../stack/lambda/definitions';
import { LocalRuntime } from '../../stack/lambda/runtime';
import { repoRoot } from '../../stack/profiles';

const scratch = mkdtempSync(path.join(tmpdir(), 'peakcart-lambda-'));
const scheduleMarker = path.join(scratch, 'scheduled.json');

function fixture(
  key: string,
  exportName: string,
  overrides: Partial<FunctionDefinition> = {},
): FunctionDefinition {
  return {
    key,
    name: `fixtures-${key}`,
    handler: `test/fixtures/lambda/handlers.${exportName}`,
    modulePath: 'test/fixtures/lambda/handlers',
    exportName,
    timeoutSeconds: 3,
    memorySize: 128,
    environment: { AWS_REGION: 'us-east-1', MARKER_FILE: scheduleMarker },
    http: [],
    schedules: [],
    ...overrides,
  };
}

const functions = [
  fixture('counter', 'counter', { http: [{ method: 'GET', path: '/counter', cors: true }] }),
  fixture('slow', 'slow', { reservedConcurrency: 2, http: [{ method: 'POST', path: '/slow', cors: false }] }),
  fixture('fire-and-forget', 'fireAndForget'),
  fixture('fails', 'fails', { http: [{ method: 'GET', path: '/fails', cors: false }] }),
  fixture('times-out', 'slow', {
    timeoutSeconds: 1,
    http: [{ method: 'POST', path: '/times-out', cors: false }],
  }),
  fixture('scheduled', 'scheduled', { schedules: ['rate(1 minute)'] }),
];

const lines: string[] = [];
const runtime = new LocalRuntime({
  root: repoRoot,
  stage: 'fixtures',
  region: 'us-east-1',
  host: '127.0.0.1',
  httpPort: 0,
  lambdaPort: 0,
  functions,
  triggers: [],
  esbuild: { target: 'node24' },
  accountConcurrency: 20,
  idleMs: 60_000,
  traceLeftRunning: true,
  log: (line) => lines.push(line),
});

interface FixtureAnswer {
  invocations: number;
  pid: number;
  loadedAt: number;
}

const api = (route: string, init?: RequestInit) =>
  fetch(`http://127.0.0.1:${runtime.httpPort}${route}`, init);
const fixtureAnswer = async (answer: Response) => (await answer.json()) as FixtureAnswer;

async function invoke(name: string, event: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(
    `http://127.0.0.1:${runtime.lambdaPort}/2015-03-31/functions/${name}/invocations`,
    {
      method: 'POST',
      body: JSON.stringify(event),
    },
  );
  return { status: response.status, body: await response.json() };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(() => runtime.start(), 60_000);
afterAll(() => runtime.stop());

describe('containers', () => {
  it('reuse a warm container, and report the cold start of a new one with its init duration', async () => {
    const first = await fixtureAnswer(await api('/counter'));
    const second = await fixtureAnswer(await api('/counter'));
    expect(second).toMatchObject({
      invocations: first.invocations + 1,
      pid: first.pid,
      loadedAt: first.loadedAt,
    });
    const reports = lines.filter((line) => line.startsWith('fixtures-counter  REPORT'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/Init Duration: \d+(\.\d+)? ms/);
    expect(runtime.stats()['fixtures-counter']).toMatchObject({
      containers: 1,
      coldStarts: 1,
      invocations: 2,
    });
  });

  it('give concurrent invocations containers of their own, each with its own module state', async () => {
    const answers = await Promise.all(
      [1, 2].map(() => api('/slow', { method: 'POST', body: '{"sleepMs":300}' })),
    );
    const bodies = await Promise.all(answers.map(fixtureAnswer));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    expect(new Set(bodies.map((body) => body.pid)).size).toBe(2);
    expect(bodies.map((body) => body.invocations)).toEqual([1, 1]);
  });

  it('never run more at once than the reserved concurrency: the rest is throttled with 429', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api('/slow', { method: 'POST', body: '{"sleepMs":400}' })),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
    const refused = await answers.find((answer) => answer.status === 429)?.json();
    expect(refused).toMatchObject({ error: { code: 'too_many_requests', message: expect.any(String) } });
    expect(runtime.stats()['fixtures-slow']).toMatchObject({ containers: 2, limit: 2, throttles: 4 });
  });
});

describe('freezing', () => {
  it('stops what a handler left running until its next invocation, and names it', async () => {
    const markerFile = path.join(scratch, 'left-running.txt');
    expect((await invoke('fixtures-fire-and-forget', { markerFile })).status).toBe(200);
    const report = await until('the report of what was left', () =>
      lines.find(
        (line) => line.startsWith('fixtures-fire-and-forget  ERROR') && line.includes('left running'),
      ),
    );
    expect(report).toMatch(/Timeout \(made at fireAndForget /);
    // Ten times the timer's delay: frozen, it has not fired.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(markerFile)).toBe(false);
    // The next invocation thaws the container, and the old timer fires during it.
    const other = path.join(scratch, 'second.txt');
    await invoke('fixtures-fire-and-forget', { markerFile: other });
    await until('the first timer to fire once thawed', () => (existsSync(markerFile) ? true : undefined));
    expect(runtime.stats()['fixtures-fire-and-forget']).toMatchObject({ containers: 1, leftRunning: 2 });
  });
});

describe('failures', () => {
  it('answers a handler that throws as API Gateway does: 502 in the error shape', async () => {
    const answer = await api('/fails');
    expect(answer.status).toBe(502);
    expect(await answer.json()).toMatchObject({ error: { code: 'internal_error' } });
    const invoked = await invoke('fixtures-fails', {});
    expect(invoked).toMatchObject({
      status: 200,
      body: { errorType: 'TypeError', errorMessage: 'the fixture failed on purpose' },
    });
  });

  it('ends a container that runs past its timeout and starts a new one for the next invocation', async () => {
    const late = await api('/times-out', { method: 'POST', body: '{"sleepMs":2000}' });
    expect(late.status).toBe(502);
    const next = await api('/times-out', { method: 'POST', body: '{"sleepMs":10}' });
    expect(next.status).toBe(200);
    expect(runtime.stats()['fixtures-times-out']).toMatchObject({ coldStarts: 2, containers: 1 });
  });

  it('answers an unknown route 404 and a body over 10 MB 413, in the error shape', async () => {
    const missing = await api('/nowhere');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const huge = await api('/slow', { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('serves a request whatever header and query names it sends, __proto__ included', async () => {
    // An array: in an object literal, `__proto__` would set the prototype instead of a header.
    const answer = await api('/counter?__proto__=1&constructor=2', { headers: [['__proto__', '4}']] });
    expect(answer.status).toBe(200);
  });

  it("refuses an Invoke API payload over Lambda's 6 MB, and an unknown function", async () => {
    const url = (name: string) =>
      `http://127.0.0.1:${runtime.lambdaPort}/2015-03-31/functions/${name}/invocations`;
    const huge = await fetch(url('fixtures-counter'), {
      method: 'POST',
      body: `"${'x'.repeat(6 * 1024 * 1024)}"`,
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('x-amzn-errortype')).toBe('RequestTooLargeException');
    const unknown = await fetch(url('fixtures-nowhere'), { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('answers the preflight of a CORS route', async () => {
    const preflight = await api('/counter', { method: 'OPTIONS' });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('OPTIONS,GET');
  });
});

describe('schedules', () => {
  it('run a scheduled function with a Scheduled Event when the runtime starts', async () => {
    const run = await until('the scheduled run', () =>
      existsSync(scheduleMarker) ? JSON.parse(readFileSync(scheduleMarker, 'utf8')) : undefined,
    );
    expect(run).toEqual({ invocations: 1, detailType: 'Scheduled Event' });
  });
});
