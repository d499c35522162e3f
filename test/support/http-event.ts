/** API Gateway proxy events, for invoking HTTP handlers in unit tests as API Gateway does. */
import type { APIGatewayProxyEvent } from 'aws-lambda';

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
