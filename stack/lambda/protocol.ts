/** The messages between the local Lambda runtime and one of its containers (stack/lambda/bootstrap.ts). */

/** An error as Lambda reports a function's failure. */
export interface SerializedError {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
}

/**
 * Work an invocation started that was still pending when it answered; `createdAt` when traced.
 * An `Interval` is periodic (a client's connection check, say): frozen with its container, it is
 * reported but is not work the answer skipped.
 */
export interface LeftRunning {
  type: 'Timeout' | 'Immediate' | 'Interval' | string;
  createdAt?: string;
}

/** How the runtime's log line names work an invocation left running (the tests look for it). */
export const leftRunningReport = 'left running after its answer';

/** Runtime → container: run the handler once. */
export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  event: unknown;
  /** Epoch ms at which the function times out. */
  deadline: number;
}

/** Container → runtime: the bundle is loaded; `initMs` since the process started, `loadMs` of it the bundle's. */
export interface ReadyMessage {
  type: 'ready';
  initMs: number;
  loadMs: number;
}

export interface InitErrorMessage {
  type: 'init-error';
  error: SerializedError;
}

export type ResultMessage = {
  type: 'result';
  requestId: string;
  durationMs: number;
  leftRunning: LeftRunning[];
} & ({ ok: true; value: unknown } | { ok: false; error: SerializedError });

export type ContainerMessage = ReadyMessage | InitErrorMessage | ResultMessage;
