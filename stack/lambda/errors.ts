/** Why a local invocation did not return the handler's answer, as Lambda distinguishes them. */
import type { LeftRunning, SerializedError } from './protocol';

/** A new container could not load its function (Lambda: Runtime.ImportModuleError, init timeout). */
export class InitError extends Error {
  constructor(functionName: string, problem: string, options?: ErrorOptions) {
    super(`${functionName}: ${problem}`, options);
    this.name = 'InitError';
  }
}

/** The handler threw, or its container died while it ran. */
export class FunctionError extends Error {
  constructor(
    functionName: string,
    readonly error: SerializedError,
    readonly durationMs = 0,
    readonly leftRunning: LeftRunning[] = [],
  ) {
    super(`${functionName}: ${error.errorType}: ${error.errorMessage}`);
    this.name = 'FunctionError';
  }
}

/** The invocation ran past the function's timeout; its container is gone. */
export class InvocationTimeoutError extends Error {
  constructor(functionName: string, seconds: number) {
    super(`${functionName}: Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = 'InvocationTimeoutError';
  }
}

/** Every container the function may run is busy (Lambda: TooManyRequestsException, 429). */
export class ThrottledError extends Error {
  constructor(functionName: string, limit: number, options?: ErrorOptions) {
    super(`${functionName}: rate exceeded (concurrency limit ${limit} reached)`, options);
    this.name = 'ThrottledError';
  }
}
