/** The request id a caller sees is the one on the function's log lines. */
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod';
import { defineRoute, httpHandler } from '../../../shared/http';
import { logger } from '../../../shared/logger';
import { gatewayEvent } from '../../support/http-event';

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

const event = (requestId: string | undefined) => gatewayEvent({ path: '/whoami', requestId });

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
