/**
 * Lambda's concurrency accounting for one stage: a function with reserved concurrency owns that
 * many concurrent invocations (a floor nobody else can take, and its ceiling); every other
 * function shares what the account limit leaves over. An invocation beyond its share is throttled.
 */
export class ConcurrencyAccount {
  private readonly reserved = new Map<string, number>();
  private readonly running = new Map<string, number>();
  private unreservedRunning = 0;
  private waiting: Array<() => void> = [];
  readonly unreservedLimit: number;

  constructor(
    readonly accountLimit: number,
    reservations: ReadonlyMap<string, number>,
  ) {
    let total = 0;
    for (const [name, count] of reservations) {
      this.reserved.set(name, count);
      total += count;
    }
    if (total > accountLimit) {
      throw new Error(
        `reserved concurrency adds up to ${total}, more than the account limit of ${accountLimit}`,
      );
    }
    this.unreservedLimit = accountLimit - total;
  }

  /** The most invocations of this function that may run at once. */
  limitOf(functionName: string): number {
    return this.reserved.get(functionName) ?? this.unreservedLimit;
  }

  /** Takes one concurrent invocation for the function; false when that would exceed its limit. */
  tryAcquire(functionName: string): boolean {
    const reserved = this.reserved.get(functionName);
    if (reserved === undefined) {
      if (this.unreservedRunning >= this.unreservedLimit) return false;
      this.unreservedRunning += 1;
    } else {
      const running = this.running.get(functionName) ?? 0;
      if (running >= reserved) return false;
      this.running.set(functionName, running + 1);
    }
    return true;
  }

  release(functionName: string): void {
    if (this.reserved.has(functionName)) {
      this.running.set(functionName, Math.max(0, (this.running.get(functionName) ?? 0) - 1));
    } else {
      this.unreservedRunning = Math.max(0, this.unreservedRunning - 1);
    }
    // Any release may be the one a waiter needs: unreserved functions share one pool.
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Resolves at the next release of any function, for a caller to try again. */
  released(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
