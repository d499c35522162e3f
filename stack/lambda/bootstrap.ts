/**
 * The inside of one local Lambda container: a Node process that loads one function's bundle and
 * answers the invocations its runtime sends over IPC, one at a time, as Lambda's Node runtime
 * does. Between invocations the runtime stops this process (SIGSTOP), so nothing it left running
 * goes on until its next invocation.
 *
 *   node bootstrap.js <bundle file> <export name>
 *
 * Messages: see ./protocol.ts. Timers and immediates created during an invocation and still
 * pending when its answer is sent are named in the answer (`leftRunning`), so the runtime can
 * report work that Lambda would freeze.
 */
import { createHook } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { ContainerMessage, InvokeMessage, LeftRunning, SerializedError } from './protocol';

type Handler = (event: unknown, context: Context) => unknown;

const [bundleFile, exportName] = process.argv.slice(2);

function send(message: ContainerMessage): void {
  process.send?.(message);
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      stackTrace: (error.stack ?? '')
        .split('\n')
        .slice(1, 8)
        .map((line) => line.trim()),
    };
  }
  return { errorType: 'Error', errorMessage: String(error), stackTrace: [] };
}

const leftTypes = new Set(['Timeout', 'Immediate']);

/** How many timers and immediates are pending now, by type (cheap: no hook on every promise). */
function pendingWork(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) {
    if (leftTypes.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

/**
 * With PEAKCART_TRACE_LEFT_RUNNING=1 (the test stage), each timer and immediate made during an
 * invocation is kept with where it was made, until it runs or is cleared. Off by default: the
 * hook also fires for every promise, which costs time on every invocation.
 */
const traced = new Map<
  number,
  { type: string; made: Error; resource: { _destroyed?: boolean; _repeat?: number | null } }
>();
let tracing = false;

/**
 * Where a timer was made, from the error made with it. The stack is formatted (and source-mapped)
 * only here, for a timer left running: V8 keeps an error's frames when it is made and formats them
 * when `stack` is first read, which costs far more (most of a millisecond source-mapped) and would
 * otherwise be paid for every timer of every invocation.
 */
function callSite(made: Error): string {
  const frames = (made.stack ?? '').split('\n').slice(2);
  const own = frames.find((frame) => !frame.includes('node:') && !frame.includes('bootstrap.js'));
  return (own ?? frames[0] ?? '').trim().replace(/^at /, '');
}

const traceLeftRunning = process.env.PEAKCART_TRACE_LEFT_RUNNING === '1';
if (traceLeftRunning) {
  createHook({
    init(asyncId, type, _trigger, resource) {
      if (tracing && leftTypes.has(type)) traced.set(asyncId, { type, made: new Error(), resource });
    },
    before(asyncId) {
      // A timer that fires, or an immediate that runs, is over.
      traced.delete(asyncId);
    },
    destroy(asyncId) {
      traced.delete(asyncId);
    },
  }).enable();
}

/** What is still pending after the answer that was not before the invocation. */
function leftSince(before: Map<string, number>): LeftRunning[] {
  // Destroy hooks run a turn later than clearTimeout; a cleared timer is marked at once.
  if (traceLeftRunning) {
    return [...traced.values()]
      .filter(({ resource }) => !resource._destroyed)
      .map(({ type, made, resource }) => ({
        type: typeof resource._repeat === 'number' ? 'Interval' : type,
        createdAt: callSite(made),
      }));
  }
  const left: LeftRunning[] = [];
  for (const [type, count] of pendingWork()) {
    for (let extra = count - (before.get(type) ?? 0); extra > 0; extra -= 1) left.push({ type });
  }
  return left;
}

function context(message: InvokeMessage): Context {
  const unsupported = () => {
    throw new Error('callback-style context methods are not supported; return a promise');
  };
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local';
  return {
    awsRequestId: message.requestId,
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME ?? `/aws/lambda/${functionName}`,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME ?? randomUUID(),
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

async function invoke(handler: Handler, message: InvokeMessage): Promise<void> {
  traced.clear();
  const before = pendingWork();
  tracing = true;
  const started = performance.now();
  let outcome: { ok: true; value: unknown } | { ok: false; error: SerializedError };
  try {
    outcome = { ok: true, value: await handler(message.event, context(message)) };
  } catch (error) {
    outcome = { ok: false, error: serializeError(error) };
  }
  tracing = false;
  const durationMs = performance.now() - started;
  const leftRunning = leftSince(before);
  traced.clear();
  send({ type: 'result', requestId: message.requestId, durationMs, leftRunning, ...outcome });
}

function load(): Handler {
  // The bundle is CommonJS and is loaded the way Lambda's Node runtime loads a handler module.
  const loaded = require(bundleFile as string) as Record<string, unknown>;
  const handler = loaded[exportName as string];
  if (typeof handler !== 'function') {
    throw new Error(`${bundleFile} exports no function "${exportName}"`);
  }
  return handler as Handler;
}

function main(): void {
  const loadStarted = performance.now();
  let handler: Handler;
  try {
    handler = load();
  } catch (error) {
    send({ type: 'init-error', error: serializeError(error) });
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }
  // Init as Lambda reports it: the runtime's start (here, Node's own boot) and the function's
  // static code; `loadMs` is the function's part alone.
  send({ type: 'ready', initMs: performance.now(), loadMs: performance.now() - loadStarted });
  process.on('message', (message: InvokeMessage) => {
    if (message.type === 'invoke') void invoke(handler, message);
  });
  // Its runtime is gone: nothing will invoke this container again.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group; the runtime ends its containers itself, after the
  // invocations it waits for.
  process.on('SIGINT', () => undefined);
}

main();
