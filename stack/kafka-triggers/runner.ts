/**
 * tsx stack/kafka-triggers/runner.ts <definitions.json>
 *
 * Runs every event-source mapping of the file (written by the project's Serverless plugin when
 * `serverless offline start` begins), logs one line per invocation and per record given up on, and
 * stops cleanly on SIGINT/SIGTERM or when its parent goes away. Tells its parent "ready" over IPC
 * once every consumer runs, or the reason it could not start.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadHandler } from './handler-module';
import { type DeliveryReport, EventSourceMapping } from './mapping';
import type { KafkaHandler, TriggerDefinition } from './types';

const root = path.resolve(__dirname, '..', '..');

function logDelivery(report: DeliveryReport): void {
  const range = `${report.topic}-${report.partition}@${report.firstOffset}..${report.lastOffset}`;
  const suffix = report.error ? ` (${report.error})` : '';
  console.log(
    `kafka  ${report.functionName}  ${range}  ${report.records} record(s)  attempt ${report.attempt}  ${report.outcome}  ${report.durationMs} ms${suffix}`,
  );
}

/**
 * All handlers share this process, so their environments are merged into one; a key two
 * functions set differently is reported, since one of them will see the other's value.
 */
function applyEnvironment(definitions: readonly TriggerDefinition[]): void {
  const setBy = new Map<string, TriggerDefinition>();
  for (const definition of definitions) {
    for (const [key, value] of Object.entries(definition.environment)) {
      const other = setBy.get(key);
      if (other && other.environment[key] !== value && key !== 'AWS_LAMBDA_FUNCTION_NAME') {
        console.warn(
          `kafka  ${key} differs between ${other.functionName} and ${definition.functionName}; using the latter`,
        );
      }
      setBy.set(key, definition);
      process.env[key] = value;
    }
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx stack/kafka-triggers/runner.ts <definitions.json>');
  const definitions: TriggerDefinition[] = JSON.parse(readFileSync(file, 'utf8'));
  // Handler modules read their configuration when they load, so the environment comes first.
  applyEnvironment(definitions);

  const handlers = new Map<string, KafkaHandler>();
  const mappings: EventSourceMapping[] = [];
  for (const definition of definitions) {
    const handler = handlers.get(definition.handler) ?? (await loadHandler(root, definition.handler));
    handlers.set(definition.handler, handler);
    mappings.push(new EventSourceMapping(definition, handler, { onDelivery: logDelivery }));
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled(mappings.map((mapping) => mapping.stop()));
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);

  await Promise.all(mappings.map((mapping) => mapping.start()));
  for (const { definition } of mappings) {
    console.log(
      `kafka  ${definition.functionName} <- ${definition.topic} (group ${definition.consumerGroupId}, batch ${definition.batchSize}, window ${definition.maximumBatchingWindowSeconds} s)`,
    );
  }
  process.send?.('ready');
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Kafka triggers could not start: ${message}`);
  process.send?.(message);
  process.exit(1);
});
