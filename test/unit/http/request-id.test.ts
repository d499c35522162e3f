/** The request id a caller sees is the one on the function's log lines. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { z } from 'zod';
import { defineRoute, httpHandler } from '../../../shared/http';
import { logger } from '../../../shared/logger';

const route = defineRoute({
  operationId: 'whoAmI',
  method: 'get',
  path: '/whoami',
  summary: 'test route',
  tags: ['test'],
  response: z.object({ correlationId: z.unknown() }),
});

const handler = httpHandler(route, async () => ({ correlationId: logger.getCorrelationId() }));

const context = { awsRequestId: 'lambda-request', functionName: 'test' } as Context;

function event(requestId: string | undefined): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/whoami',
    resource: '/whoami',
    headers: {},
    multiValueHeaders: {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    isBase64Encoded: false,
    body: null,
    requestContext: { requestId } as APIGatewayProxyEvent['requestContext'],
  };
}

describe('request id', () => {
  it("uses API Gateway's request id for the header and as the logs' correlation id", async () => {
    const response = (await handler(event('gateway-request'), context)) as APIGatewayProxyResult;
    expect(response.headers?.['x-request-id']).toBe('gateway-request');
    expect(JSON.parse(response.body)).toEqual({ correlationId: 'gateway-request' });
  });

  it("falls back to the Lambda's request id, and forgets the previous request's", async () => {
    await handler(event('first-request'), context);
    const response = (await handler(event(undefined), context)) as APIGatewayProxyResult;
    expect(response.headers?.['x-request-id']).toBe('lambda-request');
    expect(JSON.parse(response.body)).toEqual({ correlationId: 'lambda-request' });
  });
});
