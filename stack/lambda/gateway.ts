/**
 * API Gateway (REST API, Lambda proxy integration) in front of the local containers: it matches
 * the `http` events of serverless.yml, hands the function the proxy event API Gateway would, and
 * answers API Gateway's own errors (no route, body too large, throttled, a function that failed
 * or ran past the integration timeout) in the shape serverless.yml gives them on AWS.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { gatewayErrors } from '../../shared/infra/serverless';
import type { FunctionDefinition, HttpRoute } from './definitions';
import { InvocationTimeoutError, ThrottledError } from './errors';

/** API Gateway's limits: a 10 MB payload, a 29 s integration timeout. */
export const maxPayloadBytes = 10 * 1024 * 1024;
export const integrationTimeoutMs = 29_000;

/** Invokes a function by name and resolves with the handler's answer. */
export type Invoke = (functionName: string, event: APIGatewayProxyEvent) => Promise<unknown>;

interface CompiledRoute {
  route: HttpRoute;
  definition: FunctionDefinition;
  pattern: RegExp;
  parameters: string[];
  /** Static segments first, then parameters, the greedy proxy last: API Gateway's precedence. */
  rank: number[];
}

const corsHeaders = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent,X-Amzn-Trace-Id',
};

function compile(definition: FunctionDefinition, route: HttpRoute): CompiledRoute {
  const parameters: string[] = [];
  const rank: number[] = [];
  const source = route.path
    .split('/')
    .slice(1)
    .map((segment) => {
      const parameter = /^\{([^}+]+)(\+?)\}$/.exec(segment);
      if (!parameter) {
        rank.push(0);
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      parameters.push(parameter[1] as string);
      const greedy = parameter[2] === '+';
      rank.push(greedy ? 2 : 1);
      return greedy ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { route, definition, pattern: new RegExp(`^/${source}/?$`), parameters, rank };
}

function byPrecedence(a: CompiledRoute, b: CompiledRoute): number {
  for (let index = 0; index < Math.max(a.rank.length, b.rank.length); index += 1) {
    const difference = (a.rank[index] ?? -1) - (b.rank[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

const errorByType = new Map(
  gatewayErrors.map(([type, status, code, message]) => [type, { status, code, message }]),
);

/** One of API Gateway's own answers, as the GatewayResponse of `type` shapes it. */
function gatewayError(
  response: ServerResponse,
  type: string,
  requestId: string,
  status: number,
  message: string,
): void {
  const error = errorByType.get(type) ?? errorByType.get(status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
  const statusCode = error?.status ? Number(error.status) : status;
  // A fixed message is a quoted JSON string in the template; `$context.error.messageString` is ours.
  const text = error?.message.startsWith('"') ? (JSON.parse(error.message) as string) : message;
  const body = JSON.stringify({ error: { code: error?.code ?? 'internal_error', message: text, requestId } });
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    'access-control-allow-origin': '*',
    'x-request-id': requestId,
    'x-amzn-errortype': type,
  });
  response.end(body);
}

/**
 * The single- and multi-value maps of headers or query parameters, as API Gateway builds them: own
 * properties for every name a client sends, `__proto__` and `constructor` included (a plain object
 * would take `__proto__` for its prototype and fail on it).
 */
export function singleAndMulti(entries: Iterable<[string, string]>) {
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const [key, value] of entries) {
    single.set(key, value);
    multi.set(key, [...(multi.get(key) ?? []), value]);
  }
  return { single: Object.fromEntries(single), multi: Object.fromEntries(multi) };
}

function headerEntries(request: IncomingMessage): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2)
    entries.push([raw[index] as string, raw[index + 1] as string]);
  return entries;
}

/** The request's body, or undefined once it grows past `maxBytes` (the rest is drained unread). */
export function readBody(request: IncomingMessage, maxBytes = maxPayloadBytes): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        resolve(undefined);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

interface ProxyResult {
  statusCode: number;
  headers?: Record<string, unknown>;
  multiValueHeaders?: Record<string, unknown[]>;
  body?: string;
  isBase64Encoded?: boolean;
}

function isProxyResult(value: unknown): value is ProxyResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    Number.isInteger((value as ProxyResult).statusCode) &&
    ((value as ProxyResult).body === undefined || typeof (value as ProxyResult).body === 'string')
  );
}

export interface GatewayOptions {
  functions: readonly FunctionDefinition[];
  stage: string;
  invoke: Invoke;
}

export class LocalGateway {
  private readonly routes: CompiledRoute[];
  private server: Server | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.routes = options.functions
      .flatMap((definition) => definition.http.map((route) => compile(definition, route)))
      .sort(byPrecedence);
  }

  get routeCount(): number {
    return this.routes.length;
  }

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) gatewayError(response, 'DEFAULT_5XX', randomUUID(), 500, String(error));
        else response.destroy();
      });
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  private match(method: string, path: string) {
    let pathMatched = false;
    for (const compiled of this.routes) {
      const found = compiled.pattern.exec(path);
      if (!found) continue;
      pathMatched = true;
      const { route } = compiled;
      if (route.method !== method && route.method !== 'ANY') continue;
      const pathParameters = Object.fromEntries(
        compiled.parameters.map((name, index) => [name, decodeURIComponent(found[index + 1] as string)]),
      );
      return { compiled, pathParameters };
    }
    return { pathMatched };
  }

  private preflight(path: string): string[] {
    const methods = this.routes
      .filter((compiled) => compiled.route.cors && compiled.pattern.test(path))
      .map((compiled) => compiled.route.method);
    return [...new Set(methods)];
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const body = await readBody(request);
    if (body === undefined) {
      gatewayError(response, 'REQUEST_TOO_LARGE', requestId, 413, 'The request body is too large');
      return;
    }
    const matched = this.match(method, path);
    if (!('compiled' in matched) || !matched.compiled) {
      const corsMethods = method === 'OPTIONS' ? this.preflight(path) : [];
      if (corsMethods.length > 0) {
        response.writeHead(200, {
          ...corsHeaders,
          'Access-Control-Allow-Methods': ['OPTIONS', ...corsMethods].join(','),
        });
        response.end();
        return;
      }
      gatewayError(response, 'MISSING_AUTHENTICATION_TOKEN', requestId, 404, 'No such route');
      return;
    }
    const { compiled, pathParameters } = matched;
    const headers = singleAndMulti(headerEntries(request));
    const query = singleAndMulti(url.searchParams.entries());
    const hasQuery = url.searchParams.size > 0;
    const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const event: APIGatewayProxyEvent = {
      resource: compiled.route.path,
      path,
      httpMethod: method,
      headers: headers.single,
      multiValueHeaders: headers.multi,
      queryStringParameters: hasQuery ? query.single : null,
      multiValueQueryStringParameters: hasQuery ? query.multi : null,
      pathParameters: compiled.parameters.length > 0 ? pathParameters : null,
      stageVariables: null,
      body: body.length > 0 ? body.toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: undefined,
        domainName: request.headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        extendedRequestId: requestId,
        httpMethod: method,
        identity: {
          sourceIp,
          userAgent: request.headers['user-agent'] ?? null,
        } as APIGatewayProxyEvent['requestContext']['identity'],
        path: `/${this.options.stage}${path}`,
        protocol: `HTTP/${request.httpVersion}`,
        requestId,
        requestTime: new Date().toUTCString(),
        requestTimeEpoch: Date.now(),
        resourceId: 'local',
        resourcePath: compiled.route.path,
        stage: this.options.stage,
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), integrationTimeoutMs);
    });
    let result: unknown;
    try {
      result = await Promise.race([this.options.invoke(compiled.definition.name, event), timedOut]);
    } catch (error) {
      if (error instanceof ThrottledError) {
        gatewayError(response, 'THROTTLED', requestId, 429, 'Too many requests; retry later');
      } else {
        const timeout = error instanceof InvocationTimeoutError;
        gatewayError(
          response,
          'DEFAULT_5XX',
          requestId,
          502,
          timeout ? 'Endpoint request timed out' : 'Internal server error',
        );
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout') {
      gatewayError(response, 'INTEGRATION_TIMEOUT', requestId, 504, 'Endpoint request timed out');
      return;
    }
    if (!isProxyResult(result)) {
      gatewayError(response, 'DEFAULT_5XX', requestId, 502, 'Malformed Lambda proxy response');
      return;
    }
    const outgoing: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(result.headers ?? {})) outgoing[key] = String(value);
    for (const [key, values] of Object.entries(result.multiValueHeaders ?? {}))
      outgoing[key] = values.map(String);
    response.writeHead(result.statusCode, outgoing);
    response.end(
      result.body === undefined
        ? undefined
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    );
  }
}
