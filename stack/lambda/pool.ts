/**
 * The containers of one function: reused warm (the most recently used first, as Lambda routes to
 * warm environments), started on demand while the function has concurrency left, and ended after
 * they sat idle for a while. An invocation beyond the function's concurrency is throttled, or
 * waits for a container when its caller polls (a Kafka event-source mapping).
 */
import { randomUUID } from 'node:crypto';
import type { ConcurrencyAccount } from './concurrency';
import { Container, type ContainerFiles, type InvocationResult } from './container';
import type { FunctionDefinition } from './definitions';
import { FunctionError, ThrottledError } from './errors';
import type { LeftRunning } from './protocol';

export interface InvocationReport {
  functionName: string;
  requestId: string;
  durationMs: number;
  /** Set on the invocation that started its container. */
  initMs?: number;
  leftRunning: LeftRunning[];
  error?: string;
}

export interface PoolStats {
  containers: number;
  provisioned: number;
  busy: number;
  invocations: number;
  coldStarts: number;
  throttles: number;
  leftRunning: number;
  /** Init duration of every container started, in ms. */
  initMs: number[];
}

export interface PoolOptions {
  files: () => Promise<ContainerFiles>;
  environment?: Record<string, string>;
  /** Extra options of each container's Node. */
  nodeOptions?: readonly string[];
  /** An idle container older than this is ended (Lambda reaps idle environments too). */
  idleMs: number;
  onReport?: (report: InvocationReport) => void;
}

export class FunctionPool {
  private readonly idle: Container[] = [];
  private readonly all = new Set<Container>();
  private busy = 0;
  /** Containers kept started and warm (provisioned concurrency); idle ones beyond it are reaped. */
  private provisioned = 0;
  private readonly stats = {
    invocations: 0,
    coldStarts: 0,
    throttles: 0,
    leftRunning: 0,
    initMs: [] as number[],
  };

  constructor(
    readonly definition: FunctionDefinition,
    private readonly account: ConcurrencyAccount,
    private readonly options: PoolOptions,
  ) {}

  get limit(): number {
    return this.account.limitOf(this.definition.name);
  }

  /**
   * Invokes the function once. Throws ThrottledError when it is at its concurrency and `wait` is
   * not set; with `wait`, queues until an invocation of it ends.
   */
  async invoke(event: unknown, { wait = false } = {}): Promise<InvocationResult> {
    const { name } = this.definition;
    while (!this.account.tryAcquire(name)) {
      if (!wait) {
        this.stats.throttles += 1;
        throw new ThrottledError(name, this.limit);
      }
      await this.account.released();
    }
    this.busy += 1;
    const requestId = randomUUID();
    let container: Container | undefined;
    let initMs: number | undefined;
    try {
      container = this.takeIdle();
      if (!container) {
        container = await this.startContainer();
        initMs = container.initMs;
      }
      const result = await container.invoke(requestId, event);
      this.report({
        functionName: name,
        requestId,
        durationMs: result.durationMs,
        leftRunning: result.leftRunning,
        initMs,
      });
      return result;
    } catch (error) {
      const failure = error instanceof FunctionError ? error : undefined;
      this.report({
        functionName: name,
        requestId,
        durationMs: failure?.durationMs ?? 0,
        leftRunning: failure?.leftRunning ?? [],
        initMs,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      this.stats.invocations += 1;
      this.busy -= 1;
      if (container?.alive) this.idle.push(container);
      else if (container) this.all.delete(container);
      this.account.release(name);
    }
  }

  /** Starts containers until `count` exist (capacity ahead of a peak); returns how many it started. */
  private async prewarm(count: number): Promise<number> {
    const wanted = Math.min(count, this.limit) - this.all.size;
    if (wanted <= 0) return 0;
    const started = await Promise.all(Array.from({ length: wanted }, () => this.startContainer()));
    this.idle.push(...started);
    return started.length;
  }

  /**
   * Provisioned concurrency: keeps `count` containers started (starting the missing ones now) and
   * lets the idle ones beyond it be reaped again.
   */
  async setProvisioned(count: number): Promise<number> {
    this.provisioned = Math.min(count, this.limit);
    return this.prewarm(this.provisioned);
  }

  /** Ends containers idle for longer than the pool's idle time, keeping the provisioned ones. */
  reapIdle(now = Date.now()): void {
    for (let index = this.idle.length - 1; index >= 0; index -= 1) {
      if (this.all.size <= this.provisioned) return;
      const container = this.idle[index] as Container;
      if (now - container.lastUsedAt < this.options.idleMs) continue;
      this.idle.splice(index, 1);
      this.all.delete(container);
      container.stop();
    }
  }

  snapshot(): PoolStats {
    return {
      containers: this.all.size,
      provisioned: this.provisioned,
      busy: this.busy,
      ...this.stats,
      initMs: [...this.stats.initMs],
    };
  }

  /** Ends every container at once, without waiting (the runtime's process is exiting). */
  kill(): void {
    for (const container of this.all) container.stop();
  }

  async stop(): Promise<void> {
    const containers = [...this.all];
    this.idle.length = 0;
    this.all.clear();
    for (const container of containers) container.stop();
    await Promise.all(containers.map((container) => container.stopped()));
  }

  private takeIdle(): Container | undefined {
    while (this.idle.length > 0) {
      const container = this.idle.pop() as Container;
      if (container.alive) return container;
      this.all.delete(container);
    }
    return undefined;
  }

  private async startContainer(): Promise<Container> {
    const { environment, nodeOptions } = this.options;
    const container = await Container.start(
      this.definition,
      await this.options.files(),
      environment,
      nodeOptions,
    );
    this.all.add(container);
    this.stats.coldStarts += 1;
    this.stats.initMs.push(container.initMs);
    return container;
  }

  private report(report: InvocationReport): void {
    if (report.leftRunning.some((left) => left.type !== 'Interval')) this.stats.leftRunning += 1;
    this.options.onReport?.(report);
  }
}
