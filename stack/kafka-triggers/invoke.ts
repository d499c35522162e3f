/** One invocation of a Kafka-triggered handler, bounded by the function's timeout as on Lambda. */
import type { KafkaMessage } from 'kafkajs';
import { lambdaContext } from './context';
import { HandlerTimeoutError } from './errors';
import { lambdaEvent, lambdaRecord } from './event';
import type { KafkaHandler, TriggerDefinition } from './types';

/**
 * Calls the handler with the Lambda event of these messages and resolves with its response.
 * Rejects with the handler's error, or with HandlerTimeoutError when it is still running at the
 * function's timeout (its work may go on in the background, as a frozen Lambda's would not).
 */
export async function invokeHandler(
  handler: KafkaHandler,
  definition: TriggerDefinition,
  partition: number,
  messages: readonly KafkaMessage[],
): Promise<unknown> {
  const timeoutMs = definition.timeoutSeconds * 1_000;
  const event = lambdaEvent(
    definition,
    partition,
    messages.map((message) => lambdaRecord(definition.topic, partition, message)),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HandlerTimeoutError(definition.timeoutSeconds)), timeoutMs);
  });
  try {
    return await Promise.race([handler(event, lambdaContext(definition, Date.now() + timeoutMs)), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
