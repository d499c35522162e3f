/**
 * tsx stack/lambda/main.ts <config.json>
 *
 * The local Lambda runtime for the service Serverless resolved (written by
 * stack/serverless/local-lambda-plugin.js), in the foreground until SIGINT or SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { buildTriggerDefinitions, type ServiceConfig } from '../kafka-triggers';
import type { EsbuildSettings } from './bundler';
import { buildFunctionDefinitions } from './definitions';
import { LocalRuntime } from './runtime';

/** serverless.yml's `custom.localLambda`. */
export interface LocalLambdaSettings {
  host?: string;
  accountConcurrency?: number;
  idleSeconds?: number;
  traceLeftRunning?: boolean;
}

export interface StartOptions {
  service: ServiceConfig;
  stage: string;
  root: string;
  httpPort: number;
  lambdaPort: number;
  settings: LocalLambdaSettings;
  esbuild: EsbuildSettings;
}

export interface StartedRuntime {
  runtime: LocalRuntime;
  /** Stops everything and prints the summary of what ran. */
  stop: () => Promise<void>;
}

const log = (line: string) => console.log(line);

export async function startLocalRuntime(options: StartOptions): Promise<StartedRuntime> {
  const { service, stage, settings } = options;
  for (const [name, port] of [
    ['httpPort', options.httpPort],
    ['lambdaPort', options.lambdaPort],
  ] as const) {
    if (!Number.isInteger(port) || port <= 0) throw new Error(`local-lambda needs a ${name}`);
  }
  const runtime = new LocalRuntime({
    root: options.root,
    stage,
    region: service.provider.region ?? 'us-east-1',
    host: settings.host ?? '127.0.0.1',
    httpPort: options.httpPort,
    lambdaPort: options.lambdaPort,
    functions: buildFunctionDefinitions(service, stage),
    triggers: buildTriggerDefinitions(service, stage),
    esbuild: options.esbuild,
    accountConcurrency: settings.accountConcurrency ?? 1_000,
    idleMs: (settings.idleSeconds ?? 300) * 1_000,
    traceLeftRunning: settings.traceLeftRunning === true,
    log,
  });
  try {
    await runtime.start();
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  return {
    runtime,
    stop: async () => {
      log('\nlambda: what ran');
      for (const line of runtime.summary()) log(line);
      await runtime.stop();
    },
  };
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx stack/lambda/main.ts <config.json>');
  const started = await startLocalRuntime(JSON.parse(readFileSync(file, 'utf8')) as StartOptions);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await started.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    `The local Lambda runtime could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
