/**
 * The on-failure topic (`triggerFailures` of shared/infra): records a consumer gave up on, with
 * their original key, value and headers and headers saying where they came from and why. The
 * Kafka trigger emulation writes the records whose retries ran out there with the same headers,
 * so one tool reads both.
 */
import type { IHeaders } from 'kafkajs';
import { topicName } from '../infra';
import { kafkaProducer } from './client';

/** Names of the headers added to a record sent to the on-failure topic. */
export const failureHeaders = {
  sourceTopic: 'peakcart-source-topic',
  sourcePartition: 'peakcart-source-partition',
  sourceOffset: 'peakcart-source-offset',
  functionName: 'peakcart-function',
  attempts: 'peakcart-attempts',
  error: 'peakcart-error',
  failedAt: 'peakcart-failed-at',
} as const;

/** How much of the reason the error header keeps. */
export const maxErrorHeaderLength = 1_000;

/** A record as Lambda delivers it: key and value base64 of the original bytes, headers as byte arrays. */
export interface UndeliverableRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  /** Null for a tombstone. */
  value: string | null;
  headers?: readonly Readonly<Record<string, readonly number[]>>[] | null;
}

const bytesOf = (base64: string | null) => (base64 === null ? null : Buffer.from(base64, 'base64'));

/** Lambda's header list (a name may repeat) as kafkajs headers, each value its original bytes. */
function originalHeaders(headers: UndeliverableRecord['headers']): IHeaders {
  const byName: Record<string, Buffer[]> = {};
  for (const header of headers ?? []) {
    for (const [name, bytes] of Object.entries(header)) {
      byName[name] = [...(byName[name] ?? []), Buffer.from(bytes)];
    }
  }
  return Object.fromEntries(
    Object.entries(byName).map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}

/**
 * Writes the record, as it was delivered, to the on-failure topic with the reason; resolves once
 * every replica has it (acks -1). Throws when it cannot be written, so the caller does not move
 * past a record that is on no topic any more.
 */
export async function sendToFailureTopic(
  record: UndeliverableRecord,
  reason: string,
  functionName: string,
): Promise<void> {
  const producer = await kafkaProducer();
  await producer.send({
    topic: topicName('triggerFailures'),
    acks: -1,
    messages: [
      {
        key: bytesOf(record.key),
        value: bytesOf(record.value),
        headers: {
          ...originalHeaders(record.headers),
          [failureHeaders.sourceTopic]: record.topic,
          [failureHeaders.sourcePartition]: String(record.partition),
          [failureHeaders.sourceOffset]: String(record.offset),
          [failureHeaders.functionName]: functionName,
          // Set aside at its first delivery: a record that cannot be read is never retried.
          [failureHeaders.attempts]: '1',
          [failureHeaders.error]: reason.slice(0, maxErrorHeaderLength),
          [failureHeaders.failedAt]: new Date().toISOString(),
        },
      },
    ],
  });
}
