/**
 * A Kafka-triggered function that handles each partition's records of a batch as one run (to
 * aggregate them), rather than one event at a time. Partitions run side by side; a partition whose
 * run fails is reported from its first record, so Lambda delivers that partition's records again
 * and nothing after a failure is skipped.
 */
import { kafkaConsumer } from '@aws-lambda-powertools/kafka';
import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import type { BatchItemFailure, DeliveredRecord } from './consumer';

export interface PartitionRun {
  topic: string;
  partition: number;
  /** In offset order, as delivered (read them with readEvent of ./consumer). */
  records: readonly DeliveredRecord[];
  functionName: string;
}

export function partitionConsumer(handle: (run: PartitionRun) => Promise<void>) {
  return kafkaConsumer<unknown, unknown>(async (event, context: Context) => {
    logger.addContext(context);
    const byPartition = new Map<string, DeliveredRecord[]>();
    for (const record of event.records) {
      const key = `${record.topic}-${record.partition}`;
      byPartition.set(key, [...(byPartition.get(key) ?? []), record]);
    }
    const failures = await Promise.all(
      [...byPartition].map(async ([key, records]): Promise<BatchItemFailure | undefined> => {
        records.sort((a, b) => a.offset - b.offset);
        const first = records[0] as DeliveredRecord;
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
  });
}
