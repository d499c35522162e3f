/**
 * tsx stack/kafka-triggers/runner.ts <definitions.json>
 *
 * Runs every event-source mapping of the file (written by the project's Serverless plugin when
 * `serverless offline start` begins), logs one line per invocation, and stops cleanly on
 * SIGINT/SIGTERM. Tells its parent "ready" over IPC once every consumer runs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadHandler } from './handler-module';
import { type DeliveryReport, EventSourceMapping } from './mapping';
import type { TriggerDefinition } from './types';

const root = path.resolve(__dirname, '..', '..');

function logDelivery(report: DeliveryReport): void {
  const range = `${report.topic}-${report.partition}@${report.firstOffset}..${report.lastOffset}`;
  const suffix = report.error ? ` (${report.error})` : '';
  console.log(
    `kafka  ${report.functionName}  ${range}  ${report.records} record(s)  attempt ${report.attempt}  ${report.outcome}  ${report.durationMs} ms${suffix}`,
  );
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx stack/kafka-triggers/runner.ts <definitions.json>');
  const definitions: TriggerDefinition[] = JSON.parse(readFileSync(file, 'utf8'));
  // Functions of one service share the provider environment; it must be set before handler modules load.
  for (const definition of definitions) Object.assign(process.env, definition.environment);

  const mappings: EventSourceMapping[] = [];
  for (const definition of definitions) {
    const handler = await loadHandler(root, definition.handler);
    mappings.push(new EventSourceMapping(definition, handler, { onDelivery: logDelivery }));
  }
  const stop = async () => {
    await Promise.allSettled(mappings.map((mapping) => mapping.stop()));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);

  await Promise.all(mappings.map((mapping) => mapping.start()));
  for (const { definition } of mappings) {
    console.log(
      `kafka  ${definition.functionName} <- ${definition.topic} (group ${definition.consumerGroupId}, batch ${definition.batchSize})`,
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
