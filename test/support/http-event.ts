/** API Gateway proxy events, for invoking HTTP handlers in unit tests as API Gateway does. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export interface EventOptions extends Partial<APIGatewayProxyEvent> {
  /** API Gateway's request id (none when undefined). */
  requestId?: string;
  /** The caller's address as API Gateway reports it (none when undefined). */
  sourceIp?: string;
}

/** A proxy event for `httpMethod path` with no body, headers or parameters unless given. */
export function gatewayEvent({ requestId, sourceIp, ...overrides }: EventOptions = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/things',
    resource: overrides.path ?? '/things',
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: null,
    requestContext: {
      requestId,
      ...(sourceIp !== undefined && { identity: { sourceIp } }),
    } as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  };
}

/** The Lambda context a handler is invoked with: its function's name, 10 s left. */
export const lambdaContext = (functionName: string, awsRequestId = `${functionName}-test`): Context =>
  ({ awsRequestId, functionName, getRemainingTimeInMillis: () => 10_000 }) as unknown as Context;
