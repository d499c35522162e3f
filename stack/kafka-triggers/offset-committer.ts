/**
 * Commits a mapping's offsets in the background, so that the next invocation does not wait for
 * the broker's answer to the previous commit. Marks coalesce per partition: one commit request
 * carries the latest offset of every partition marked since the last one. Only offsets of records
 * the handler finished with are ever marked, so what is committed never runs ahead of delivery.
 */
export interface PartitionOffset {
  partition: number;
  /** The offset of the next record to read, as Kafka stores it. */
  offset: string;
}

export class OffsetCommitter {
  private readonly pending = new Map<number, string>();
  private inFlight: Promise<void> | undefined;
  private failure: unknown;

  constructor(private readonly commit: (offsets: PartitionOffset[]) => Promise<void>) {}

  /** Everything before `offset` on this partition is done; its commit goes out in the background. */
  mark(partition: number, offset: string): void {
    this.pending.set(partition, offset);
    this.inFlight ??= this.drain();
  }

  /** Resolves once every marked offset is committed; rejects with the error of a failed commit. */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    const { failure } = this;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const offsets = [...this.pending].map(([partition, offset]) => ({ partition, offset }));
        this.pending.clear();
        await this.commit(offsets);
      }
    } catch (error) {
      // Kept for flush(): the delivery loop of a partition rethrows it to kafkajs, which rejoins
      // the group; the records after the last successful commit are then delivered again.
      this.failure = error;
      this.pending.clear();
    } finally {
      this.inFlight = undefined;
    }
  }
}
