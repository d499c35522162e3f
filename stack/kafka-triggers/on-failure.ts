/**
 * Records that keep failing go to the on-failure topic: the original key, value and headers, plus
 * headers that say where they came from and why they failed, so they can be inspected and replayed.
 */
import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { failureHeaders, maxErrorHeaderLength } from '../../shared/kafka/failure-topic';
import type { TriggerDefinition } from './types';

// The header names are the functions' own (shared/kafka/failure-topic.ts), which set records aside too.
export { failureHeaders };

/**
 * Writes the records, unchanged, to the on-failure topic with the failure headers added; resolves
 * once every broker replica has them (acks -1), so a commit past them never loses a record.
 */
export async function sendToOnFailureTopic(
  producer: Producer,
  definition: TriggerDefinition,
  partition: number,
  messages: readonly KafkaMessage[],
  attempts: number,
  error: string,
): Promise<void> {
  const topic = definition.onFailureTopic;
  if (!topic || messages.length === 0) return;
  const records = messages.map((message) => {
    const headers: IHeaders = {
      ...message.headers,
      [failureHeaders.sourceTopic]: definition.topic,
      [failureHeaders.sourcePartition]: String(partition),
      [failureHeaders.sourceOffset]: message.offset,
      [failureHeaders.functionName]: definition.functionName,
      [failureHeaders.attempts]: String(attempts),
      [failureHeaders.error]: error.slice(0, maxErrorHeaderLength),
      [failureHeaders.failedAt]: new Date().toISOString(),
    };
    return { key: message.key, value: message.value, headers };
  });
  // One record per send, in order: a send across partitions can lose records when a leader moves
  // (see publishEvents in shared/kafka/events.ts). A round trip per record, on a rare path.
  for (const record of records) await producer.send({ topic, acks: -1, messages: [record] });
}
