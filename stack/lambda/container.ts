/**
 * One local Lambda container: a Node process of its own running stack/lambda/bootstrap.ts for one
 * function, with only that function's environment and a heap sized by its memory. It runs one
 * invocation at a time and is stopped (SIGSTOP) from the moment an answer arrives until the next
 * invocation (SIGCONT), as Lambda freezes an execution environment between invocations.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { FunctionDefinition } from './definitions';
import { FunctionError, InitError, InvocationTimeoutError } from './errors';
import type { ContainerMessage, LeftRunning, ReadyMessage, ResultMessage } from './protocol';

/** Lambda gives the init phase (runtime start and the function's static code) 10 s. */
const initTimeoutMs = 10_000;

export interface ContainerFiles {
  bootstrap: string;
  bundle: string;
}

export interface InvocationResult {
  value: unknown;
  durationMs: number;
  leftRunning: LeftRunning[];
}

let containers = 0;

/** Lambda's own variables, as its Node runtime sets them for the function. */
function lambdaEnvironment(definition: FunctionDefinition, containerId: string): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: definition.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${definition.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: containerId,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    _HANDLER: definition.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  };
}

export class Container {
  readonly id: string;
  /** ms from the process's start until its handler was loaded: Lambda's Init Duration. */
  initMs = 0;
  /** ms of that spent loading the function's bundle. */
  loadMs = 0;
  invocations = 0;
  lastUsedAt = Date.now();
  private exited = false;
  private ending = false;
  private frozen = false;

  private constructor(
    readonly definition: FunctionDefinition,
    private readonly child: ChildProcess,
    id: string,
  ) {
    this.id = id;
    child.once('exit', () => {
      this.exited = true;
    });
  }

  /** Starts a container and resolves once its handler is loaded (a cold start). */
  static async start(
    definition: FunctionDefinition,
    files: ContainerFiles,
    extraEnvironment: Record<string, string> = {},
    nodeOptions: readonly string[] = [],
  ): Promise<Container> {
    containers += 1;
    const id = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${process.pid}-${containers}`;
    // Lambda's Node runtime sizes the heap to the function's memory; the rest is the process's own.
    const heapMb = Math.max(64, Math.floor(definition.memorySize * 0.85));
    const child = fork(files.bootstrap, [files.bundle, definition.exportName], {
      env: { ...definition.environment, ...extraEnvironment, ...lambdaEnvironment(definition, id) },
      execArgv: [`--max-old-space-size=${heapMb}`, ...nodeOptions],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // In the runtime's process group: should the runtime die, that group is orphaned and the
      // kernel ends its stopped members (SIGHUP, then SIGCONT); a running one sees its channel close.
      serialization: 'advanced',
    });
    const container = new Container(definition, child, id);
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new InitError(definition.name, `init did not finish within ${initTimeoutMs / 1000} s`));
      }, initTimeoutMs);
      const settle = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (message: ContainerMessage) => {
        settle();
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'init-error') {
          child.kill('SIGKILL');
          reject(new InitError(definition.name, `${message.error.errorType}: ${message.error.errorMessage}`));
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        settle();
        reject(
          new InitError(definition.name, `the container exited during init (${signal ?? `code ${code}`})`),
        );
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
    container.initMs = ready.initMs;
    container.loadMs = ready.loadMs;
    container.freeze();
    return container;
  }

  /** False from the moment the container is told to stop, before its process is gone. */
  get alive(): boolean {
    return !this.exited && !this.ending;
  }

  /**
   * Runs one invocation. Rejects with FunctionError when the handler throws, and with
   * InvocationTimeoutError at the function's timeout, after which the container is gone (Lambda
   * restarts an environment whose invocation timed out).
   */
  invoke(requestId: string, event: unknown): Promise<InvocationResult> {
    const { child, definition } = this;
    const timeoutMs = definition.timeoutSeconds * 1_000;
    this.invocations += 1;
    this.thaw();
    return new Promise<InvocationResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        settle();
        this.stop();
        reject(new InvocationTimeoutError(definition.name, definition.timeoutSeconds));
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        this.lastUsedAt = Date.now();
      };
      const onMessage = (message: ContainerMessage) => {
        if (message.type !== 'result' || message.requestId !== requestId) return;
        // Frozen before anything else happens in it: what the handler left running waits.
        this.freeze();
        settle();
        const result = message as ResultMessage;
        if (result.ok)
          resolve({ value: result.value, durationMs: result.durationMs, leftRunning: result.leftRunning });
        else reject(new FunctionError(definition.name, result.error, result.durationMs, result.leftRunning));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        settle();
        reject(
          new FunctionError(definition.name, {
            errorType: 'Runtime.ExitError',
            errorMessage: `the container exited during the invocation (${signal ?? `code ${code}`})`,
            stackTrace: [],
          }),
        );
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ type: 'invoke', requestId, event, deadline: Date.now() + timeoutMs });
    });
  }

  /** Ends the container at once (a stopped process takes SIGKILL as it is). */
  stop(): void {
    if (this.exited) return;
    this.ending = true;
    this.child.kill('SIGKILL');
  }

  /** Resolves once the process is gone. */
  stopped(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  private freeze(): void {
    if (this.exited || this.frozen) return;
    this.frozen = this.child.kill('SIGSTOP');
  }

  private thaw(): void {
    if (this.exited || !this.frozen) return;
    this.child.kill('SIGCONT');
    this.frozen = false;
  }
}
