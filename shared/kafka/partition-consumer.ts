/**
 * A Kafka-triggered function that handles each partition's records of a batch as one run (to
 * aggregate them), rather than one event at a time. Partitions run side by side; a partition whose
 * run fails is reported from its first record, so Lambda delivers that partition's records again
 * and nothing after a failure is skipped.
 */
import type { Context, MSKEvent, SelfManagedKafkaEvent } from 'aws-lambda';
import { logger } from '../logger';
import type { BatchItemFailure, RawRecord } from './consumer';

export interface PartitionRun {
  topic: string;
  partition: number;
  /** In offset order, as delivered (read them with readEvent of ./consumer). */
  records: readonly RawRecord[];
  functionName: string;
}

/**
 * The records are left encoded: a run decodes each once (readEvent), where a generic consumer's
 * per-record decoding would cost more than the counting.
 */
export function partitionConsumer(handle: (run: PartitionRun) => Promise<void>) {
  return async (event: MSKEvent | SelfManagedKafkaEvent, context: Context) => {
    logger.addContext(context);
    const byPartition = new Map<string, RawRecord[]>();
    for (const [key, records] of Object.entries(event.records)) {
      byPartition.set(
        key,
        records.map((record) => ({
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          originalKey: record.key,
          originalValue: record.value,
          originalHeaders: record.headers,
        })),
      );
    }
    const failures = await Promise.all(
      [...byPartition].map(async ([key, records]): Promise<BatchItemFailure | undefined> => {
        records.sort((a, b) => a.offset - b.offset);
        const first = records[0] as RawRecord;
        try {
          await handle({
            topic: first.topic,
            partition: first.partition,
            records,
            functionName: context.functionName,
          });
          return undefined;
        } catch (error) {
          logger.error('partition run failed', {
            partition: key,
            firstOffset: first.offset,
            error: error instanceof Error ? error : String(error),
          });
          return { itemIdentifier: { 'topic-partition': key, offset: first.offset } };
        }
      }),
    );
    return { batchItemFailures: failures.filter((failure) => failure !== undefined) };
  };
}
