/**
 * The functions of the resolved serverless.yml as the local runtime runs them: handler, timeout,
 * memory, environment, reserved concurrency, and the `http` and `schedule` events that invoke
 * them (`kafka` events: stack/kafka-triggers/definitions.ts).
 */
import {
  type FunctionConfig,
  functionDefaults,
  type ServiceConfig,
  stringMap,
} from '../kafka-triggers/definitions';

export interface HttpRoute {
  method: string;
  /** The resource path as serverless.yml gives it, e.g. `/offers/{offerId}`. */
  path: string;
  cors: boolean;
}

export interface FunctionDefinition {
  /** Key in serverless.yml, e.g. `search-by-keyword`. */
  key: string;
  /** Deployed name, e.g. `peakcart-dev-search-by-keyword`. */
  name: string;
  /** `functions/search/by-keyword.handler` */
  handler: string;
  /** Module path of the handler from the service root, without extension. */
  modulePath: string;
  exportName: string;
  timeoutSeconds: number;
  memorySize: number;
  environment: Record<string, string>;
  /** The function's own concurrency (also its ceiling); undefined shares the account's unreserved pool. */
  reservedConcurrency?: number;
  http: HttpRoute[];
  /** `rate(...)` expressions. */
  schedules: string[];
}

export class InvalidFunctionError extends Error {
  constructor(functionKey: string, problem: string) {
    super(`Function "${functionKey}": ${problem}`);
    this.name = 'InvalidFunctionError';
  }
}

function httpRoute(functionKey: string, event: unknown): HttpRoute {
  if (typeof event === 'string') {
    const [method = '', path = ''] = event.trim().split(/\s+/);
    return { method: method.toUpperCase(), path: normalizePath(path), cors: false };
  }
  if (typeof event !== 'object' || event === null)
    throw new InvalidFunctionError(functionKey, 'has an invalid http event');
  const { method, path, cors } = event as Record<string, unknown>;
  if (typeof method !== 'string' || typeof path !== 'string') {
    throw new InvalidFunctionError(functionKey, 'has an http event without method or path');
  }
  return { method: method.toUpperCase(), path: normalizePath(path), cors: Boolean(cors) };
}

const normalizePath = (path: string) => `/${path.replace(/^\/+|\/+$/g, '')}`;

function scheduleExpressions(event: unknown): string[] {
  if (typeof event === 'string') return [event];
  if (typeof event !== 'object' || event === null) return [];
  const { rate, enabled } = event as { rate?: unknown; enabled?: unknown };
  if (enabled === false) return [];
  return [rate].flat().filter((expression): expression is string => typeof expression === 'string');
}

/** Every function of the service, with the stage's settings resolved by Serverless. */
export function buildFunctionDefinitions(service: ServiceConfig, stage: string): FunctionDefinition[] {
  const functions: Record<string, FunctionConfig> = service.functions ?? {};
  return Object.entries(functions).map(([key, fn]) => {
    if (!fn.handler) throw new InvalidFunctionError(key, 'has no handler');
    const separator = fn.handler.lastIndexOf('.');
    if (separator <= 0)
      throw new InvalidFunctionError(key, 'needs a handler like <module path>.<export name>');
    const name = fn.name ?? `${service.service}-${stage}-${key}`;
    const events = fn.events ?? [];
    return {
      key,
      name,
      handler: fn.handler,
      modulePath: fn.handler.slice(0, separator),
      exportName: fn.handler.slice(separator + 1),
      timeoutSeconds: fn.timeout ?? service.provider.timeout ?? functionDefaults.timeoutSeconds,
      memorySize: fn.memorySize ?? service.provider.memorySize ?? functionDefaults.memorySize,
      environment: {
        ...stringMap(service.provider.environment),
        ...stringMap(fn.environment),
        AWS_REGION: service.provider.region ?? 'us-east-1',
      },
      ...(typeof fn.reservedConcurrency === 'number' ? { reservedConcurrency: fn.reservedConcurrency } : {}),
      http: events.filter((event) => event.http !== undefined).map((event) => httpRoute(key, event.http)),
      schedules: events.flatMap((event) =>
        event.schedule === undefined ? [] : scheduleExpressions(event.schedule),
      ),
    };
  });
}
