/**
 * npm run bench:cold-start — what each function's package costs a fresh container.
 *
 * Packages the service twice for the prod stage (with the deployment settings of the package
 * test): as it is, and with the esbuild settings it had before (`minify: false`, `sourcemap: true`,
 * the CommonJS builds of the AWS SDK, the map in the zip), each from a copy of the service. Then,
 * for every function, the size of its zip and the init of a fresh container: a new `node` (the
 * project's Node 24) that require()s the handler module from the unzipped package with the
 * function's environment of the template, as the Lambda runtime does. Init is measured inside
 * that process around require(), the part of Lambda's `Init Duration` that is the function's own
 * (the runtime's bootstrap is the rest). Node's boot, an empty script, is measured in the same
 * rounds as the baseline. Runs round-robin, one process at a time, so that every figure sees the
 * same machine.
 *
 *   --runs N             fresh containers per function and variant (default 10)
 *   --functions a,b      only these functions (default: all)
 *   --baseline-all       the baseline's init for every function, not only one of each kind
 *                        (HTTP with and without a caller, producer, consumer, OpenAPI, health)
 *   --baseline-ref REF   the baseline is the service as it was at git REF (code and settings),
 *                        e.g. main, instead of today's code with the previous settings
 *
 * Targets: every zip <= 300 KB, init p50 <= 60 ms on this machine. Exits 1 when one is missed.
 * Takes about 2.5 minutes on two idle cores, half of it packaging; several times that, and noisy
 * figures, when other work shares the cores (the load average is printed with the results).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { environmentKeys } from '../shared/infra';
import { repoRoot } from '../stack/profiles';
import { percentile } from './support/timeline-report';
import { zipEntries } from './support/zip-entries';

const zipTargetBytes = 300 * 1024;
const initTargetMs = 60;
const stage = 'prod';
/** What packaging for AWS needs besides the SSM parameter it only names (test/integration/package.test.ts). */
const deployment = {
  PEAKCART_KAFKA_BOOTSTRAP_SERVERS: 'b-1.kafka.internal:9096,b-2.kafka.internal:9096',
  PEAKCART_KAFKA_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:peakcart-kafka',
};
/** custom.esbuild as it was before bundles were minified and tree-shaken. */
const previousEsbuildSettings = `  esbuild:
    bundle: true
    minify: false
    sourcemap: true
    target: node24
    platform: node
    exclude: [avro-js, protobufjs]
`;

const node = path.join(repoRoot, 'node_modules', '.bin', 'node');
const child = path.join(repoRoot, 'bench', 'support', 'cold-start-child.cjs');

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

const runs = Number(option('runs') ?? 10);
const only = option('functions')?.split(',');
const baselineRef = option('baseline-ref');
/** The baseline's init is measured for these unless --baseline-all: one function of each kind. */
const baselineSample = process.argv.includes('--baseline-all')
  ? undefined
  : [
      'platform-health',
      'platform-openapi',
      'history-record',
      'auth-login',
      'checkout-place-order',
      'search-by-keyword',
      'search-popular',
    ];

interface FunctionPackage {
  name: string;
  zipBytes: number;
  hasSourceMap: boolean;
  /** The unzipped handler module and its export. */
  bundle: string;
  exportName: string;
  environment: Record<string, string>;
}

interface Variant {
  label: string;
  packages: Map<string, FunctionPackage>;
}

/** A copy of the service to package: today's files, or those of a git ref. */
function serviceCopy(root: string, ref?: string): string {
  const dir = path.join(root, 'service');
  mkdirSync(dir);
  if (ref) {
    const archive = execFileSync('git', [
      '-C',
      repoRoot,
      'archive',
      ref,
      'serverless.yml',
      'functions',
      'shared',
      'stack',
      'package.json',
      'tsconfig.json',
    ]);
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  } else {
    for (const entry of ['serverless.yml', 'functions', 'shared', 'stack', 'package.json', 'tsconfig.json']) {
      cpSync(path.join(repoRoot, entry), path.join(dir, entry), { recursive: true });
    }
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** serverless.yml with the previous esbuild settings and without the plugin that keeps maps out. */
function withPreviousSettings(dir: string): void {
  const file = path.join(dir, 'serverless.yml');
  const yml = readFileSync(file, 'utf8');
  const block = /^ {2}esbuild:\n(?: {4}.*\n|\s*#.*\n|\n)*?(?=^ {2}\S)/m;
  if (!block.test(yml)) throw new Error('no custom.esbuild block in serverless.yml');
  writeFileSync(
    file,
    yml
      .replace(block, previousEsbuildSettings)
      .replace(/^ {2}- \.\/stack\/serverless\/bundle-only-plugin\.js\n/m, ''),
  );
}

function packageService(dir: string, out: string): Promise<void> {
  // The functions' environment keys are unset so the stage's own values apply, as in the tests.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !(environmentKeys as string[]).includes(key)),
  );
  return new Promise((resolve, reject) => {
    const cli = spawn(
      path.join(repoRoot, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', stage, '--package', out],
      {
        cwd: dir,
        env: {
          ...env,
          ...deployment,
          SLS_TELEMETRY_DISABLED: '1',
          AWS_ACCESS_KEY_ID: 'packaging-only',
          AWS_SECRET_ACCESS_KEY: 'packaging-only',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    cli.stdout.on('data', (chunk) => (output += chunk));
    cli.stderr.on('data', (chunk) => (output += chunk));
    cli.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`packaging failed:\n${output}`))));
  });
}

/** The variable's value in the template: a string, or a CloudFormation expression AWS resolves. */
const asVariable = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Each function's zip, unzipped beside it, with its handler and environment. */
function readPackages(dir: string, out: string): Map<string, FunctionPackage> {
  const yml = parse(readFileSync(path.join(dir, 'serverless.yml'), 'utf8'), { merge: true }) as {
    functions: Record<string, { handler: string }>;
  };
  const template = JSON.parse(
    readFileSync(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const environmentOf = new Map(
    Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => [
        String(resource.Properties.FunctionName),
        (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
          {},
      ]),
  );
  const packages = new Map<string, FunctionPackage>();
  for (const [name, fn] of Object.entries(yml.functions)) {
    if (only && !only.includes(name)) continue;
    const zip = path.join(out, `${name}.zip`);
    const root = path.join(out, 'unzipped', name);
    const entries = zipEntries(zip);
    for (const entry of entries) {
      mkdirSync(path.dirname(path.join(root, entry.name)), { recursive: true });
      writeFileSync(path.join(root, entry.name), entry.contents);
    }
    const dot = fn.handler.lastIndexOf('.');
    const variables = environmentOf.get(`peakcart-${stage}-${name}`) ?? {};
    packages.set(name, {
      name,
      zipBytes: statSync(zip).size,
      hasSourceMap: entries.some((entry) => entry.name.endsWith('.map')),
      bundle: path.join(root, `${fn.handler.slice(0, dot)}.js`),
      exportName: fn.handler.slice(dot + 1),
      environment: Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [key, asVariable(value)]),
      ),
    });
  }
  return packages;
}

interface Sample {
  bootMs: number;
  initMs: number;
  wallMs: number;
  openAfterInit: string[];
}

/** One fresh process: the bundle's init, or Node's boot alone without one. */
function freshContainer(pkg?: FunctionPackage): Sample {
  const started = performance.now();
  const result = spawnSync(node, pkg ? [child, pkg.bundle, pkg.exportName] : [child], {
    cwd: pkg ? path.dirname(pkg.bundle) : tmpdir(),
    // What Lambda gives a function: its variables, the region and the role's credentials.
    env: {
      ...pkg?.environment,
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'cold-start-bench',
      AWS_SECRET_ACCESS_KEY: 'cold-start-bench',
      AWS_SESSION_TOKEN: 'cold-start-bench',
      AWS_LAMBDA_FUNCTION_NAME: pkg ? `peakcart-${stage}-${pkg.name}` : 'empty',
      TZ: 'UTC',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const wallMs = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${pkg?.name ?? 'node'} failed to initialise (${result.status}): ${result.stderr}`);
  }
  return { ...(JSON.parse(result.stdout) as Omit<Sample, 'wallMs'>), wallMs };
}

const p = (values: number[], q: number) =>
  percentile(
    [...values].sort((a, b) => a - b),
    q,
  ) ?? Number.NaN;
const ms = (value: number) => value.toFixed(1).padStart(6);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`.padStart(8);
const ratio = (now: number, before: number) => `${(now / before).toFixed(2)}x`.padStart(6);

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'peakcart-cold-start-'));
  try {
    /** Packages one variant; both are packaged at once, before anything is timed. */
    const packaged = async (label: string, ref?: string, previousSettings = false): Promise<Variant> => {
      const variantRoot = path.join(root, label.replace(/\W+/g, '-'));
      mkdirSync(variantRoot);
      const dir = serviceCopy(variantRoot, ref);
      if (previousSettings) withPreviousSettings(dir);
      const out = path.join(variantRoot, 'out');
      const started = Date.now();
      await packageService(dir, out);
      console.log(`packaged ${label} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return { label, packages: readPackages(dir, out) };
    };
    const variants = await Promise.all([
      packaged('now'),
      baselineRef ? packaged(`at ${baselineRef}`, baselineRef) : packaged('before', undefined, true),
    ]);
    const [now, before] = variants as [Variant, Variant];
    const names = [...now.packages.keys()];

    const boot: Sample[] = [];
    const samples = new Map<string, Sample[]>();
    const started = Date.now();
    for (let round = 0; round < runs; round++) {
      boot.push(freshContainer());
      for (const variant of variants) {
        for (const name of names) {
          const pkg = variant.packages.get(name);
          if (!pkg || (variant !== now && baselineSample && !baselineSample.includes(name))) continue;
          const key = `${variant.label}:${name}`;
          samples.set(key, [...(samples.get(key) ?? []), freshContainer(pkg)]);
        }
      }
    }
    console.log(
      `${runs} fresh containers per function and variant in ${((Date.now() - started) / 1000).toFixed(0)} s ` +
        `(load average ${loadavg()
          .map((load) => load.toFixed(1))
          .join(' ')})`,
    );

    const bootWall = boot.map((sample) => sample.wallMs);
    const bootInside = boot.map((sample) => sample.bootMs);
    console.log(
      `\nnode boot (empty script): p50 ${ms(p(bootWall, 0.5))} ms, p95 ${ms(p(bootWall, 0.95))} ms spawn to exit; ` +
        `p50 ${ms(p(bootInside, 0.5))} ms to the first line of the script`,
    );
    console.log(
      `init = require() of the handler module in a fresh node (module load and init), ms; zip as packaged\n`,
    );
    const header = [
      'function'.padEnd(28),
      `zip ${before.label}`.padStart(12),
      'zip now'.padStart(8),
      'ratio'.padStart(6),
      `init p50/p95 ${before.label}`.padStart(22),
      'init p50/p95 now'.padStart(17),
      'ratio'.padStart(6),
      ' open at init',
    ];
    console.log(header.join(' '));
    const missed: string[] = [];
    const inits = { now: [] as number[], before: [] as number[] };
    for (const name of names) {
      const current = now.packages.get(name) as FunctionPackage;
      const previous = before.packages.get(name);
      const initNow = (samples.get(`${now.label}:${name}`) ?? []).map((sample) => sample.initMs);
      const initBefore = (samples.get(`${before.label}:${name}`) ?? []).map((sample) => sample.initMs);
      inits.now.push(p(initNow, 0.5));
      if (initBefore.length > 0) inits.before.push(p(initBefore, 0.5));
      const open = [
        ...new Set(samples.get(`${now.label}:${name}`)?.flatMap((sample) => sample.openAfterInit)),
      ];
      if (current.zipBytes > zipTargetBytes) missed.push(`${name}: zip ${kb(current.zipBytes).trim()}`);
      if (p(initNow, 0.5) > initTargetMs) missed.push(`${name}: init p50 ${p(initNow, 0.5).toFixed(1)} ms`);
      if (current.hasSourceMap) missed.push(`${name}: its zip holds a source map`);
      console.log(
        [
          name.padEnd(28),
          (previous ? kb(previous.zipBytes) : '-').padStart(12),
          kb(current.zipBytes),
          previous ? ratio(current.zipBytes, previous.zipBytes) : '      ',
          (initBefore.length ? `${ms(p(initBefore, 0.5))} /${ms(p(initBefore, 0.95))}` : '-').padStart(22),
          `${ms(p(initNow, 0.5))} /${ms(p(initNow, 0.95))}`.padStart(17),
          initBefore.length ? ratio(p(initNow, 0.5), p(initBefore, 0.5)) : '      ',
          ` ${open.length ? open.join(',') : 'nothing'}`,
        ].join(' '),
      );
    }
    const zips = (variant: Variant) => [...variant.packages.values()].map((pkg) => pkg.zipBytes);
    console.log(
      `\nzips now ${kb(Math.min(...zips(now))).trim()}–${kb(Math.max(...zips(now))).trim()} ` +
        `(${before.label} ${kb(Math.min(...zips(before))).trim()}–${kb(Math.max(...zips(before))).trim()}); ` +
        `median init p50 now ${p(inits.now, 0.5).toFixed(1)} ms (${before.label} ${p(inits.before, 0.5).toFixed(1)} ms)`,
    );
    console.log(
      `targets: every zip <= ${zipTargetBytes / 1024} KB, init p50 <= ${initTargetMs} ms, no source map in a zip`,
    );
    if (missed.length > 0) {
      console.log(`missed:\n  ${missed.join('\n  ')}`);
      process.exitCode = 1;
    } else {
      console.log('all met');
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
