/**
 * Lambda's MaximumBatchingWindowInSeconds for one mapping: a batch smaller than batchSize waits
 * until the window of its oldest record closes. The window opens when a partition's first pending
 * record was fetched, as Lambda's poller starts gathering a batch when it reads its first record
 * (not once the invocation before it has finished), and stays open across refetches of that record.
 */
export class BatchingWindow {
  private readonly openedAt = new Map<number, { offset: string; at: number }>();

  constructor(private readonly windowMs: number) {}

  /**
   * Milliseconds the batch starting at this offset may still wait for more records (0: deliver
   * now). `fetchedAt` is when the consumer received that record, in the fetch being handled.
   */
  remainingMs(partition: number, firstOffset: string, fetchedAt: number, now = Date.now()): number {
    if (this.windowMs <= 0) return 0;
    const opened = this.openedAt.get(partition);
    const at = opened?.offset === firstOffset ? opened.at : fetchedAt;
    this.openedAt.set(partition, { offset: firstOffset, at });
    return Math.max(0, at + this.windowMs - now);
  }

  /** The partition's pending records were delivered; its next record opens a new window. */
  close(partition: number): void {
    this.openedAt.delete(partition);
  }
}
