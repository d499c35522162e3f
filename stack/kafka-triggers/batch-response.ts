/**
 * What a handler's return value means for the batch. With ReportBatchItemFailures, AWS's Kafka
 * response `{batchItemFailures: [{itemIdentifier: {"topic-partition": "<topic>-<partition>", offset}}]}`
 * marks records as failed: everything before the lowest failed offset succeeded, and processing
 * resumes from that offset. Without ReportBatchItemFailures, any return value is a success.
 */

export type BatchOutcome =
  | { kind: 'success' }
  | { kind: 'partial'; lowestFailedOffset: number; failedOffsets: number[] }
  | { kind: 'invalid-response'; reason: string };

/** The records of one invocation: their `<topic>-<partition>` and offsets. */
export interface DeliveredBatch {
  topicPartition: string;
  offsets: readonly number[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function offsetOf(raw: unknown): number | undefined {
  // The offset is a JSON number in AWS's examples; a numeric string is read the same way.
  const offset = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

/** The failed offset an itemIdentifier names in this batch, or why it names none. */
function failedOffset(failure: unknown, batch: DeliveredBatch): number | string {
  const identifier = isRecord(failure) ? failure.itemIdentifier : undefined;
  if (!isRecord(identifier)) return 'has no itemIdentifier object';
  if (identifier['topic-partition'] !== batch.topicPartition) {
    return `names topic-partition ${JSON.stringify(identifier['topic-partition'])}, not "${batch.topicPartition}"`;
  }
  const offset = offsetOf(identifier.offset);
  if (offset === undefined || !batch.offsets.includes(offset)) {
    return `names offset ${JSON.stringify(identifier.offset)}, which is not in the batch`;
  }
  return offset;
}

/**
 * Reads the handler's response. As on AWS, an empty or missing list is a success, and an
 * identifier that is malformed or names no record of the batch fails the whole batch.
 */
export function batchOutcome(
  response: unknown,
  reportBatchItemFailures: boolean,
  batch: DeliveredBatch,
): BatchOutcome {
  if (!reportBatchItemFailures || !isRecord(response)) return { kind: 'success' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures))
    return { kind: 'invalid-response', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  const failedOffsets: number[] = [];
  for (const failure of failures) {
    const offset = failedOffset(failure, batch);
    if (typeof offset === 'string')
      return { kind: 'invalid-response', reason: `a batch item failure ${offset}` };
    failedOffsets.push(offset);
  }
  failedOffsets.sort((a, b) => a - b);
  return { kind: 'partial', lowestFailedOffset: failedOffsets[0] as number, failedOffsets };
}
