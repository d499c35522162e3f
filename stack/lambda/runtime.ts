/**
 * The local Lambda runtime of one stage: every function bundled as `serverless package` bundles
 * it, run in containers of its own (stack/lambda/pool.ts) within its concurrency, invoked by API
 * Gateway's `http` events (stack/lambda/gateway.ts), by `schedule` events and by Kafka
 * event-source mappings (stack/kafka-triggers), and through Lambda's Invoke API on the lambda port.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type DeliveryReport, EventSourceMapping, type TriggerDefinition } from '../kafka-triggers';
import { LocalAutoScaling } from './autoscaling';
import { bundleFunctions, type EsbuildSettings } from './bundler';
import { ConcurrencyAccount } from './concurrency';
import type { ContainerFiles } from './container';
import type { FunctionDefinition } from './definitions';
import { FunctionError, InvocationTimeoutError, ThrottledError } from './errors';
import { LocalGateway, readBody } from './gateway';
import { FunctionPool, type InvocationReport, type PoolStats } from './pool';
import { leftRunningReport } from './protocol';
import { Scheduler } from './scheduler';

/** One function's figures in `GET /local/stats`. */
export type FunctionStats = PoolStats & { limit: number };

export interface RuntimeOptions {
  root: string;
  stage: string;
  region: string;
  host: string;
  httpPort: number;
  lambdaPort: number;
  functions: readonly FunctionDefinition[];
  triggers: readonly TriggerDefinition[];
  esbuild: EsbuildSettings;
  /** The account's concurrency limit of the stage (Lambda's default is 1,000). */
  accountConcurrency: number;
  /** How long an idle container lives. */
  idleMs: number;
  /** Name, with where it was made, each timer an invocation leaves running, and log it as an error. */
  traceLeftRunning: boolean;
  log: (line: string) => void;
}

const entryExtensions = ['.ts', '.js', '.mjs', '.cjs'];
/** Lambda's limit on a synchronous invocation's payload. */
const maxInvokePayloadBytes = 6 * 1024 * 1024;

type Answer = (status: number, body: unknown, headers?: Record<string, string>) => void;
const bootstrapName = '__bootstrap';

function entryFile(root: string, modulePath: string): string {
  const found = entryExtensions
    .map((extension) => `${modulePath}${extension}`)
    .find((file) => existsSync(path.join(root, file)));
  if (!found) throw new Error(`no handler module ${modulePath}(${entryExtensions.join('|')}) in ${root}`);
  return found;
}

/**
 * Ends containers of this stage left by a runtime that was killed outright: a stopped process
 * cannot notice its parent is gone, and no signal reaches it by itself.
 */
function endStrayContainers(bootstrapFile: string, log: (line: string) => void): void {
  let listing = '';
  try {
    listing = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const [pid, ppid, ...args] = line.trim().split(/\s+/);
    if (!args.includes(bootstrapFile) || Number(ppid) === process.pid) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
      log(`lambda: ended container ${pid} left by an earlier run`);
    } catch {
      // Already gone.
    }
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] as number;
}

export class LocalRuntime {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly gateway: LocalGateway;
  private readonly scheduler: Scheduler;
  private readonly autoscaling: LocalAutoScaling;
  private readonly mappings: EventSourceMapping[] = [];
  private invokeServer: Server | undefined;
  private reaper: NodeJS.Timeout | undefined;
  private files: Record<string, string> = {};
  /** Entry file of each output: the bootstrap's and every function's. */
  private readonly entries = new Map<string, string>();
  private readonly wanted = new Set<string>();
  private building: Promise<unknown> = Promise.resolve();
  /** The ports listened on (the options' own, or the ones the system chose for 0). */
  httpPort = 0;
  lambdaPort = 0;

  constructor(private readonly options: RuntimeOptions) {
    const reservations = new Map(
      options.functions.flatMap((fn) =>
        fn.reservedConcurrency === undefined ? [] : [[fn.name, fn.reservedConcurrency] as const],
      ),
    );
    const account = new ConcurrencyAccount(options.accountConcurrency, reservations);
    const environment: Record<string, string> = options.traceLeftRunning
      ? { PEAKCART_TRACE_LEFT_RUNNING: '1' }
      : {};
    for (const definition of options.functions) {
      this.pools.set(
        definition.name,
        new FunctionPool(definition, account, {
          files: async () => this.containerFiles(definition),
          environment,
          // Where a left timer was made, in the sources' own lines (when the bundles have maps).
          nodeOptions: options.traceLeftRunning ? ['--enable-source-maps'] : [],
          idleMs: options.idleMs,
          onReport: (report) => this.logReport(definition, report),
        }),
      );
    }
    this.entries.set(bootstrapName, path.relative(options.root, path.join(__dirname, 'bootstrap.ts')));
    for (const fn of options.functions) this.entries.set(fn.key, entryFile(options.root, fn.modulePath));
    this.gateway = new LocalGateway({
      functions: options.functions,
      stage: options.stage,
      invoke: async (name, event) => (await this.pool(name).invoke(event)).value,
    });
    this.autoscaling = new LocalAutoScaling({
      knows: (name) => this.pools.has(name),
      provision: (name, capacity) => {
        this.pool(name)
          .setProvisioned(capacity)
          .then(
            (started) =>
              started > 0 && options.log(`lambda: ${name} started ${started} container(s) ahead of demand`),
            (error: unknown) =>
              options.log(`lambda: ${name} could not start provisioned containers: ${String(error)}`),
          );
      },
      log: options.log,
    });
    this.scheduler = new Scheduler({
      functions: options.functions,
      region: options.region,
      invoke: (name, event) => this.pool(name).invoke(event, { wait: true }),
      log: options.log,
    });
  }

  /** Bundles what changed, then serves HTTP, the Invoke API, the schedules and the Kafka triggers. */
  async start(): Promise<void> {
    const { options } = this;
    // What runs at once (schedules, Kafka triggers) is bundled now; an HTTP function when it is
    // first invoked. Either way a bundle whose files did not change is reused.
    const triggered = new Set(options.triggers.map((trigger) => trigger.functionName));
    const eager = options.functions.filter((fn) => fn.schedules.length > 0 || triggered.has(fn.name));
    const bundled = await this.bundle([bootstrapName, ...eager.map((fn) => fn.key)]);
    endStrayContainers(this.files[bootstrapName] as string, options.log);
    const lazy = options.functions.length - eager.length;
    options.log(
      `lambda: ${options.functions.length} functions; bundled ${bundled.built.length} and reused ${bundled.reused} in ${Math.round(bundled.durationMs)} ms (${lazy} more when first invoked)`,
    );
    for (const definition of options.triggers) {
      const pool = this.pool(definition.functionName);
      const handler = async (event: unknown) => (await pool.invoke(event, { wait: true })).value;
      this.mappings.push(
        new EventSourceMapping(definition, handler, { onDelivery: (report) => this.logDelivery(report) }),
      );
    }
    await Promise.all(this.mappings.map((mapping) => mapping.start()));
    for (const { definition } of this.mappings) {
      options.log(
        `kafka  ${definition.functionName} <- ${definition.topic} (group ${definition.consumerGroupId}, batch ${definition.batchSize}, window ${definition.maximumBatchingWindowSeconds} s)`,
      );
    }
    this.lambdaPort = await this.listenInvoke();
    this.httpPort = await this.gateway.listen(options.host, options.httpPort);
    this.scheduler.start();
    this.reaper = setInterval(
      () => {
        for (const pool of this.pools.values()) pool.reapIdle();
      },
      Math.min(options.idleMs, 30_000),
    );
    this.reaper.unref();
    // Whatever ends the runtime's process ends its containers with it.
    process.once('exit', () => {
      for (const pool of this.pools.values()) pool.kill();
    });
    options.log(
      `lambda: ${this.gateway.routeCount} routes; Invoke API on http://${options.host}:${this.lambdaPort}`,
    );
    options.log(`Server ready: http://${options.host}:${this.httpPort}`);
  }

  /** Stops taking work, lets Kafka invocations in progress finish, ends every container. */
  async stop(): Promise<void> {
    this.scheduler.stop();
    this.autoscaling.stop();
    clearInterval(this.reaper);
    await Promise.allSettled(this.mappings.map((mapping) => mapping.stop()));
    await this.gateway.close();
    await new Promise<void>((resolve) =>
      this.invokeServer ? this.invokeServer.close(() => resolve()) : resolve(),
    );
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }

  stats(): Record<string, FunctionStats> {
    return Object.fromEntries(
      [...this.pools].map(([name, pool]) => [name, { ...pool.snapshot(), limit: pool.limit }]),
    );
  }

  /** One line per function that ran: containers started, their init, invocations, throttles. */
  summary(): string[] {
    const lines = [
      'function                                  containers  init p50/max ms  invocations  throttled  left running',
    ];
    for (const [name, stats] of Object.entries(this.stats())) {
      if (stats.invocations === 0 && stats.coldStarts === 0 && stats.throttles === 0) continue;
      const init = `${Math.round(percentile(stats.initMs, 0.5))}/${Math.round(Math.max(0, ...stats.initMs))}`;
      lines.push(
        `${name.padEnd(42)}${String(stats.coldStarts).padStart(10)}  ${init.padStart(15)}  ${String(stats.invocations).padStart(11)}  ${String(stats.throttles).padStart(9)}  ${String(stats.leftRunning).padStart(12)}`,
      );
    }
    return lines;
  }

  private pool(functionName: string): FunctionPool {
    const pool = this.pools.get(functionName);
    if (!pool) throw new Error(`no function ${functionName}`);
    return pool;
  }

  private async containerFiles(definition: FunctionDefinition): Promise<ContainerFiles> {
    if (!this.files[definition.key]) {
      const { built, durationMs } = await this.bundle([definition.key]);
      if (built.length > 0)
        this.options.log(`lambda: bundled ${built.join(', ')} in ${Math.round(durationMs)} ms`);
    }
    return { bootstrap: this.files[bootstrapName] as string, bundle: this.files[definition.key] as string };
  }

  /**
   * Bundles these outputs (the bootstrap or function keys), one build at a time: the builds share
   * one manifest, and the functions first invoked together are built together.
   */
  private bundle(names: readonly string[]): Promise<{ built: string[]; reused: number; durationMs: number }> {
    for (const name of names) this.wanted.add(name);
    const run = this.building.then(async () => {
      const pending = [...this.wanted].filter((name) => !this.files[name]);
      this.wanted.clear();
      if (pending.length === 0) return { built: [], reused: 0, durationMs: 0 };
      const entries = Object.fromEntries(pending.map((name) => [name, this.entries.get(name) as string]));
      const result = await bundleFunctions({
        entries,
        root: this.options.root,
        outdir: path.join(this.options.root, '.stack', this.options.stage, 'lambda'),
        settings: this.options.esbuild,
      });
      Object.assign(this.files, result.files);
      return {
        built: result.built,
        reused: pending.length - result.built.length,
        durationMs: result.durationMs,
      };
    });
    this.building = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private logReport(definition: FunctionDefinition, report: InvocationReport): void {
    const { log } = this.options;
    if (report.initMs !== undefined) {
      log(
        `${definition.name}  REPORT RequestId: ${report.requestId}\tDuration: ${round(report.durationMs)} ms\tBilled Duration: ${Math.ceil(report.durationMs)} ms\tMemory Size: ${definition.memorySize} MB\tInit Duration: ${round(report.initMs)} ms`,
      );
    }
    if (report.leftRunning.length > 0) {
      const what = report.leftRunning.map((left) =>
        left.createdAt ? `${left.type} (made at ${left.createdAt})` : left.type,
      );
      // Work the function's own code left is an error; a client library's periodic check or
      // reconnect timer (made inside node_modules) freezes with the container and is only noted.
      const work = report.leftRunning.some(
        (left) => left.type !== 'Interval' && !left.createdAt?.includes('/node_modules/'),
      );
      const level = this.options.traceLeftRunning && work ? 'ERROR' : 'WARN';
      log(
        `${definition.name}  ${level} RequestId: ${report.requestId} ${leftRunningReport}, frozen until its next invocation: ${what.join(', ')}`,
      );
    }
    if (report.error && report.initMs === undefined && !report.error.includes('rate exceeded')) {
      log(`${definition.name}  ERROR RequestId: ${report.requestId} ${report.error}`);
    }
  }

  private logDelivery(report: DeliveryReport): void {
    const range = `${report.topic}-${report.partition}@${report.firstOffset}..${report.lastOffset}`;
    const suffix = report.error ? ` (${report.error})` : '';
    this.options.log(
      `kafka  ${report.functionName}  ${range}  ${report.records} record(s)  attempt ${report.attempt}  ${report.outcome}  ${report.durationMs} ms${suffix}`,
    );
  }

  /** Application Auto Scaling's requests and Lambda's Invoke API, both JSON bodies of at most 6 MB. */
  private async answerPost(request: IncomingMessage, answer: Answer): Promise<void> {
    const found = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
    const pool = found ? this.pools.get(decodeURIComponent(found[1] as string)) : undefined;
    const autoscaling = LocalAutoScaling.accepts(request);
    if (request.method !== 'POST' || (!pool && !autoscaling)) {
      answer(
        404,
        { Type: 'User', message: 'Function not found' },
        { 'x-amzn-errortype': 'ResourceNotFoundException' },
      );
      return;
    }
    const body = await readBody(request, maxInvokePayloadBytes);
    if (body === undefined) {
      answer(
        413,
        { Type: 'User', message: `Request must be smaller than ${maxInvokePayloadBytes} bytes` },
        { 'x-amzn-errortype': 'RequestTooLargeException' },
      );
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      answer(
        400,
        { Type: 'User', message: 'Could not parse request body into json' },
        { 'x-amzn-errortype': 'InvalidRequestContentException' },
      );
      return;
    }
    if (autoscaling) {
      const target = String(request.headers['x-amz-target']);
      const { status, body: output } = this.autoscaling.answer(
        target,
        (input ?? {}) as Record<string, unknown>,
      );
      answer(status, output, { 'content-type': 'application/x-amz-json-1.1' });
      return;
    }
    try {
      answer(200, (await (pool as FunctionPool).invoke(input)).value);
    } catch (error) {
      if (error instanceof ThrottledError) {
        answer(
          429,
          { Type: 'User', message: 'Rate Exceeded.' },
          { 'x-amzn-errortype': 'TooManyRequestsException' },
        );
      } else if (error instanceof FunctionError) {
        answer(200, error.error, { 'x-amz-function-error': 'Unhandled' });
      } else {
        const errorType = error instanceof InvocationTimeoutError ? 'Sandbox.Timedout' : 'Runtime.InitError';
        answer(200, { errorType, errorMessage: String(error) }, { 'x-amz-function-error': 'Unhandled' });
      }
    }
  }

  /**
   * Lambda's Invoke API (RequestResponse) on the lambda port, for the AWS SDK or curl:
   * POST /2015-03-31/functions/<name>/invocations; GET /local/stats answers every pool's figures.
   */
  private async listenInvoke(): Promise<number> {
    const server = createServer((request, response) => {
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': 'application/json', ...headers });
        response.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (request.method === 'GET' && request.url === '/local/stats') {
        answer(200, this.stats());
        return;
      }
      if (request.method === 'GET' && request.url === '/local/scheduled-actions') {
        answer(200, this.autoscaling.list());
        return;
      }
      this.answerPost(request, answer).catch(() => response.destroy());
    });
    this.invokeServer = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.lambdaPort, this.options.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }
}
