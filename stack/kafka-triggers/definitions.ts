/**
 * Trigger definitions from the resolved serverless.yml: one per `kafka` or `msk` event, with AWS's
 * defaults where the event leaves a setting out.
 */
import { InvalidTriggerError } from './errors';
import type { StartingPosition, TriggerDefinition } from './types';

/** A function of the resolved service, as far as the local runtime and its triggers read it. */
export interface FunctionConfig {
  handler?: string;
  name?: string;
  timeout?: number;
  memorySize?: number;
  reservedConcurrency?: number;
  environment?: Record<string, unknown>;
  events?: Array<Record<string, unknown>>;
}

/** The parts of a resolved Serverless service (`serverless.service`) the emulation reads. */
export interface ServiceConfig {
  service: string;
  provider: {
    stage?: string;
    region?: string;
    timeout?: number;
    memorySize?: number;
    environment?: Record<string, unknown>;
  };
  functions?: Record<string, FunctionConfig>;
}

/** Lambda's defaults for a function that sets neither its own value nor a provider-wide one. */
export const functionDefaults = { timeoutSeconds: 6, memorySize: 1024 };

const defaults = {
  batchSize: 100,
  // Lambda's default batching window for Kafka sources is 500 ms.
  maximumBatchingWindowSeconds: 0.5,
  // Serverless v3 writes TRIM_HORIZON into the mapping when the event leaves it out.
  startingPosition: 'TRIM_HORIZON' as StartingPosition,
  maximumRetryAttempts: -1,
  // AWS caps infinite retries at 10 when the mapping has an on-failure destination.
  retriesWithOnFailureDestination: 10,
  ...functionDefaults,
};

const startingPositions: readonly StartingPosition[] = ['LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP'];

/** An environment as Lambda sets it: every value a string. */
export function stringMap(value: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(value ?? {}).map(([key, entry]) => [key, String(entry ?? '')]));
}

function numberSetting(
  functionKey: string,
  event: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = event[name] ?? fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    throw new InvalidTriggerError(
      functionKey,
      `has ${name} ${JSON.stringify(value)}; it must be a number from ${min} to ${max}`,
    );
  }
  return value;
}

/** An msk event may name its cluster with a CloudFormation function, which only AWS resolves. */
function mskClusterArn(arn: unknown, region = 'us-east-1'): string {
  return typeof arn === 'string' ? arn : `arn:aws:kafka:${region}:000000000000:cluster/offline/unresolved`;
}

/** An msk event names its cluster by ARN; offline, the brokers come from the functions' KAFKA_BROKERS. */
function mskBrokers(functionKey: string, environment: Record<string, string>): string[] {
  const brokers = (environment.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) {
    throw new InvalidTriggerError(functionKey, '(msk) needs KAFKA_BROKERS in the environment to run offline');
  }
  return brokers;
}

function definitionFor(
  service: ServiceConfig,
  functionKey: string,
  fn: FunctionConfig,
  type: 'kafka' | 'msk',
  event: Record<string, unknown>,
): TriggerDefinition {
  const stage = service.provider.stage ?? 'dev';
  const topic = event.topic;
  if (typeof topic !== 'string' || topic.trim() === '')
    throw new InvalidTriggerError(functionKey, 'has no topic');
  if (!fn.handler) throw new InvalidTriggerError(functionKey, 'belongs to a function without handler');
  const bootstrapServers = type === 'kafka' ? event.bootstrapServers : [];
  if (type === 'kafka' && (!Array.isArray(bootstrapServers) || bootstrapServers.length === 0)) {
    throw new InvalidTriggerError(functionKey, `on topic "${topic}" has no bootstrapServers`);
  }
  const startingPosition = (event.startingPosition ?? defaults.startingPosition) as StartingPosition;
  if (!startingPositions.includes(startingPosition)) {
    throw new InvalidTriggerError(functionKey, `has startingPosition "${String(startingPosition)}"`);
  }
  if (startingPosition === 'AT_TIMESTAMP' && typeof event.startingPositionTimestamp !== 'number') {
    throw new InvalidTriggerError(functionKey, 'starts AT_TIMESTAMP without startingPositionTimestamp');
  }
  const onFailureTopic = typeof event.onFailureTopic === 'string' ? event.onFailureTopic : undefined;
  if (onFailureTopic === topic) {
    // AWS refuses this too: every failure would be consumed again by the same mapping.
    throw new InvalidTriggerError(functionKey, `on topic "${topic}" names it as its own onFailureTopic`);
  }
  const functionName = fn.name ?? `${service.service}-${stage}-${functionKey}`;
  const responseTypes = Array.isArray(event.functionResponseTypes) ? event.functionResponseTypes : [];
  const environment: Record<string, string> = {
    ...stringMap(service.provider.environment),
    ...stringMap(fn.environment),
    AWS_REGION: service.provider.region ?? 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
  };
  return {
    functionKey,
    functionName,
    handler: fn.handler,
    timeoutSeconds: fn.timeout ?? service.provider.timeout ?? defaults.timeoutSeconds,
    memorySize: fn.memorySize ?? service.provider.memorySize ?? defaults.memorySize,
    environment,
    eventSource: type === 'kafka' ? 'SelfManagedKafka' : 'aws:kafka',
    ...(type === 'msk' ? { eventSourceArn: mskClusterArn(event.arn, service.provider.region) } : {}),
    bootstrapServers:
      type === 'kafka' ? (bootstrapServers as unknown[]).map(String) : mskBrokers(functionKey, environment),
    topic,
    // Lambda names a mapping's group by the mapping's UUID; offline, the function and topic name it.
    consumerGroupId:
      typeof event.consumerGroupId === 'string' ? event.consumerGroupId : `${functionName}-${topic}`,
    batchSize: numberSetting(functionKey, event, 'batchSize', defaults.batchSize, 1, 10_000),
    maximumBatchingWindowSeconds: numberSetting(
      functionKey,
      event,
      'maximumBatchingWindow',
      defaults.maximumBatchingWindowSeconds,
      0,
      300,
    ),
    startingPosition,
    ...(typeof event.startingPositionTimestamp === 'number'
      ? { startingPositionTimestamp: event.startingPositionTimestamp }
      : {}),
    maximumRetryAttempts: retryAttempts(
      numberSetting(functionKey, event, 'maximumRetryAttempts', defaults.maximumRetryAttempts, -1, 10_000),
      onFailureTopic,
    ),
    reportBatchItemFailures: responseTypes.includes('ReportBatchItemFailures'),
    ...(onFailureTopic ? { onFailureTopic } : {}),
  };
}

function retryAttempts(configured: number, onFailureTopic: string | undefined): number {
  return configured === -1 && onFailureTopic ? defaults.retriesWithOnFailureDestination : configured;
}

/** kafkajs assigns a group's partitions as if every member read every topic, so groups must not be shared. */
function rejectSharedGroups(definitions: readonly TriggerDefinition[]): void {
  const owners = new Map<string, TriggerDefinition>();
  for (const definition of definitions) {
    const owner = owners.get(definition.consumerGroupId);
    if (owner) {
      throw new InvalidTriggerError(
        definition.functionKey,
        `on topic "${definition.topic}" uses consumerGroupId "${definition.consumerGroupId}", which the event of "${owner.functionKey}" on topic "${owner.topic}" already uses`,
      );
    }
    owners.set(definition.consumerGroupId, definition);
  }
}

/**
 * Every enabled Kafka event of the service as a trigger definition. Throws InvalidTriggerError,
 * naming the function, for an event that could not run (no topic, no brokers, a bad setting, a
 * consumer group shared with another event).
 */
export function buildTriggerDefinitions(service: ServiceConfig, stage?: string): TriggerDefinition[] {
  const resolved: ServiceConfig = stage ? { ...service, provider: { ...service.provider, stage } } : service;
  const definitions = Object.entries(resolved.functions ?? {}).flatMap(([functionKey, fn]) =>
    (fn.events ?? []).flatMap((event) =>
      (['kafka', 'msk'] as const).flatMap((type) => {
        const settings = event[type];
        if (settings === undefined) return [];
        if (typeof settings !== 'object' || settings === null)
          throw new InvalidTriggerError(functionKey, 'is not an object');
        const kafkaEvent = settings as Record<string, unknown>;
        if (kafkaEvent.enabled === false) return [];
        return [definitionFor(resolved, functionKey, fn, type, kafkaEvent)];
      }),
    ),
  );
  rejectSharedGroups(definitions);
  return definitions;
}
