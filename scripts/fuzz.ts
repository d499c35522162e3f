/**
 * npm run test:fuzz: schemathesis over the live OpenAPI document of the local API, as four callers
 * (anonymous, member, seller, admin). Brings up the `test` stack and serves the API on its ports
 * (as scripts/test.sh and the e2e tests do), creates each caller's account through the API, runs
 * one bounded pass per caller, stops what it started and exits non-zero on any failure.
 *
 * Checks: no server error, no status the document does not declare, every response body as the
 * document describes it, and no schema-valid request refused. Rate limits (429) and load shedding
 * (503) stay on: they are declared statuses, as a client meets them.
 *
 * A pass signs up a fresh account, so nothing one pass does (a withdrawal, a logout) touches the
 * next. Within a signed-in pass the withdrawal runs alone, after everything else: it ends the account the
 * token names, and every operation after it would only answer 401/404. Operations without
 * security in the document (sign-up, login, health, price comparison...) never read a token: they
 * are fuzzed once, in the anonymous pass, and the run prints them.
 *
 *   npm run test:fuzz -- [--examples 6] [--only anonymous,member,seller,admin] [--api <url>]
 *
 * `--api` fuzzes an API already served on the test profile's stack instead of starting one;
 * FUZZ_SEED replays a run (each pass prints its seed); FUZZ_WORKERS sets schemathesis's threads
 * (default 1: on Python 3.11 its coverage phase can fail inside the interpreter's AST module when
 * several threads parse at once).
 *
 * The schemathesis binary comes from the environment (SCHEMATHESIS), which scripts/test-fuzz.sh
 * sets after installing the pinned version into an ignored virtualenv.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Role } from '../shared/domain/member';
import { grantRole } from '../shared/dynamo/member-store';
import { type OfflineApi, startOffline } from '../stack/offline';
import { loadProfile, repoRoot } from '../stack/profiles';
import { componentNamed, down, up } from '../stack/stack';
import { useProfile } from './support/profile';
import { run } from './support/run';

type Caller = 'anonymous' | 'member' | 'seller' | 'admin';
const callers: readonly Caller[] = ['anonymous', 'member', 'seller', 'admin'];

const checks = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'positive_data_acceptance',
];

/** Ends the account its token names: run last in a pass, alone (see the header). */
const lastOperations = ['withdraw'];

interface PassResult {
  caller: Caller;
  cases: number;
  /** Cases that passed every check. */
  passed: number;
  failures: number;
  /** Errors of schemathesis itself (not of the API), which fail the pass too. */
  errors: number;
  exitCode: number;
  seconds: number;
}

const reportDir = path.join(repoRoot, '.stack', 'fuzz');
const configFile = path.join(repoRoot, 'scripts', 'support', 'schemathesis.toml');

async function postJson(baseUrl: string, route: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${route} answered ${response.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** A fresh account of the caller's kind, signed up and logged in through the API: its access token. */
async function accessTokenOf(baseUrl: string, caller: Exclude<Caller, 'anonymous'>): Promise<string> {
  const email = `fuzz-${caller}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = `Fuzz-${caller}-pass-${Math.random().toString(36).slice(2)}`;
  const member = await postJson(baseUrl, '/members', {
    email,
    password,
    name: `Fuzz ${caller}`,
    birthYear: 1990,
    gender: 'female',
    region: 'seoul',
    accountType: caller === 'seller' ? 'seller' : 'member',
  });
  // Admins are made only by scripts/member-grant.ts's path, never the API: the same store call.
  if (caller === 'admin') await grantRole(member.memberId as string, 'admin' satisfies Role);
  const session = await postJson(baseUrl, '/auth/login', { email, password });
  return session.accessToken as string;
}

/** Runs schemathesis once; resolves with its exit code and the number of cases it generated. */
type Outcome = Pick<PassResult, 'exitCode' | 'cases' | 'passed' | 'failures' | 'errors'>;

function schemathesis(args: string[], logFile: string): Promise<Outcome> {
  const binary = process.env.SCHEMATHESIS;
  if (!binary) throw new Error('SCHEMATHESIS is not set: run through scripts/test-fuzz.sh');
  // In the report folder: schemathesis keeps its example database in the working directory.
  const child = spawn(binary, ['--config-file', configFile, ...args], {
    cwd: reportDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk;
    process.stdout.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      writeFileSync(logFile, output);
      const cases = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
      const passed = Number(/\d+ generated, (\d+) passed/.exec(output)?.[1] ?? 0);
      const failures = Number(/found (\d+) unique failure/.exec(output)?.[1] ?? 0);
      const errors = Number(/Runtime Error: (\d+)/.exec(output)?.[1] ?? 0);
      resolve({ exitCode: code ?? 1, cases, passed, failures, errors });
    });
  });
}

/** Operation ids of the document's operations that declare no security: no token is read there. */
async function publicOperations(baseUrl: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
  const document = (await response.json()) as {
    paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
  };
  return Object.values(document.paths)
    .flatMap((operations) => Object.values(operations))
    .filter((operation) => operation.security === undefined)
    .map((operation) => operation.operationId);
}

async function fuzzPass(
  api: OfflineApi,
  caller: Caller,
  examples: number,
  publicIds: readonly string[],
): Promise<PassResult> {
  const started = Date.now();
  const token = caller === 'anonymous' ? undefined : await accessTokenOf(api.baseUrl, caller);
  const common = [
    'run',
    `${api.baseUrl}/openapi.json`,
    '--checks',
    checks.join(','),
    '--max-examples',
    String(examples),
    '--workers',
    process.env.FUZZ_WORKERS ?? '1',
    '--continue-on-failure',
    '--request-timeout',
    '35',
    '--seed',
    process.env.FUZZ_SEED ?? String(Date.now()),
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
  ];
  const skipped = caller === 'anonymous' ? [] : publicIds;
  // Without a token there is no account to end: the anonymous pass runs every operation at once.
  const last = token ? lastOperations : [];
  const exclude = [...last, ...skipped].flatMap((id) => ['--exclude-operation-id', id]);
  console.log(`\n=== fuzz: ${caller} (up to ${examples} examples per operation per phase) ===`);
  const main = await schemathesis([...common, ...exclude], path.join(reportDir, `${caller}.log`));
  let after = { cases: 0, passed: 0, failures: 0, errors: 0, exitCode: 0 };
  if (last.length > 0) {
    console.log(`\n=== fuzz: ${caller}, last: ${last.join(', ')} ===`);
    const include = last.flatMap((id) => ['--include-operation-id', id]);
    after = await schemathesis([...common, ...include], path.join(reportDir, `${caller}-last.log`));
  }
  return {
    caller,
    cases: main.cases + after.cases,
    passed: main.passed + after.passed,
    failures: main.failures + after.failures,
    errors: main.errors + after.errors,
    exitCode: main.exitCode || after.exitCode,
    seconds: (Date.now() - started) / 1000,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      examples: { type: 'string', default: '6' },
      only: { type: 'string' },
      api: { type: 'string' },
    },
  });
  const examples = Number(values.examples);
  if (!Number.isInteger(examples) || examples < 1) throw new Error('--examples must be a positive integer');
  const selected = values.only ? (values.only.split(',') as Caller[]) : [...callers];
  const unknown = selected.filter((caller) => !callers.includes(caller));
  if (unknown.length > 0) throw new Error(`--only: unknown callers ${unknown.join(', ')}`);

  const profile = loadProfile('test');
  useProfile('test');
  mkdirSync(reportDir, { recursive: true });
  const startedAt = Date.now();
  const given = values.api;
  const { started } = given ? { started: [] } : await up(profile);
  let api: OfflineApi | undefined;
  const results: PassResult[] = [];
  try {
    api = given
      ? { baseUrl: given, output: () => '', stop: async () => undefined }
      : await startOffline(profile);
    const publicIds = await publicOperations(api.baseUrl);
    console.log(`operations without security, fuzzed in the anonymous pass only: ${publicIds.join(', ')}`);
    for (const caller of selected) results.push(await fuzzPass(api, caller, examples, publicIds));
  } finally {
    await api?.stop();
    if (started.length > 0) await down(profile, console.log, started.map(componentNamed));
  }

  console.log('\n=== fuzz summary ===');
  for (const result of results) {
    const verdict = result.exitCode === 0 ? 'ok' : `FAILED (exit ${result.exitCode})`;
    console.log(
      `${result.caller.padEnd(9)} ${String(result.cases).padStart(6)} cases  ${String(result.failures).padStart(3)} failures  ${String(result.errors).padStart(2)} errors  ${result.seconds.toFixed(0).padStart(4)} s  ${verdict}`,
    );
  }
  console.log(
    `operations run last in each signed-in pass: ${lastOperations.join(', ')} (ends the caller's account)`,
  );
  console.log('operations without security run in the anonymous pass only (they read no token)');
  console.log(
    `logs: ${path.relative(repoRoot, reportDir)}/<caller>.log; whole run ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
  );
  // One plain closing line (and the tally .ci/run totals): cases that passed, and the failing ones
  // (a pass that failed without counting a case, such as schemathesis's own error, counts as one).
  const passed = results.reduce((sum, result) => sum + result.passed, 0);
  const failed = results.reduce(
    (sum, result) => sum + (result.exitCode === 0 ? 0 : Math.max(1, result.failures + result.errors)),
    0,
  );
  console.log(`fuzz: ${passed} passed, ${failed} failed`);
  const tally = process.env.PEAKCART_TEST_TALLY;
  if (tally) appendFileSync(tally, `${passed} ${failed} 0\n`);
  if (results.some((result) => result.exitCode !== 0)) process.exitCode = 1;
}

run(main);
