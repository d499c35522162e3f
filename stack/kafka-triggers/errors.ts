/** serverless.yml describes a Kafka event that cannot run. */
export class InvalidTriggerError extends Error {
  constructor(functionKey: string, problem: string) {
    super(`Function "${functionKey}": kafka event ${problem}`);
    this.name = 'InvalidTriggerError';
  }
}

/** The handler ran longer than the function's timeout. */
export class HandlerTimeoutError extends Error {
  constructor(seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = 'HandlerTimeoutError';
  }
}
