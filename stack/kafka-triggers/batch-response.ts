/**
 * What a handler's return value means for the batch. With ReportBatchItemFailures, a response
 * `{batchItemFailures: [{itemIdentifier: {partition: "<topic>-<partition>", offset}}]}` marks
 * records as failed: everything before the lowest failed offset succeeded, and processing resumes
 * from that offset. Without it, any return value is a success.
 */

export type BatchOutcome =
  | { kind: 'success' }
  | { kind: 'partial'; lowestFailedOffset: number; failedOffsets: number[] }
  | { kind: 'invalid-response'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function offsetOf(identifier: unknown): number | undefined {
  const raw = isRecord(identifier) ? identifier.offset : identifier;
  const offset = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof offset === 'number' && Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

/** Reads the handler's response; an identifier that names no record of the batch fails the whole batch, as on AWS. */
export function batchOutcome(
  response: unknown,
  reportBatchItemFailures: boolean,
  offsets: readonly number[],
): BatchOutcome {
  if (!reportBatchItemFailures || !isRecord(response)) return { kind: 'success' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures))
    return { kind: 'invalid-response', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  const failedOffsets: number[] = [];
  for (const failure of failures) {
    const offset = isRecord(failure) ? offsetOf(failure.itemIdentifier) : undefined;
    if (offset === undefined || !offsets.includes(offset)) {
      return {
        kind: 'invalid-response',
        reason: `itemIdentifier ${JSON.stringify(failure)} names no record of the batch`,
      };
    }
    failedOffsets.push(offset);
  }
  failedOffsets.sort((a, b) => a - b);
  return { kind: 'partial', lowestFailedOffset: failedOffsets[0] as number, failedOffsets };
}
