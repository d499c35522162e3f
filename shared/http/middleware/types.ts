import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Caller } from '../../domain/member';

/** Input of a route after parsing and validation. */
export interface ValidatedInput {
  params: unknown;
  query: unknown;
  headers: unknown;
  body: unknown;
}

/** The API Gateway event as the middleware stack passes it along. */
export type HttpEvent = APIGatewayProxyEvent & { validated?: ValidatedInput; caller?: Caller };

export type HttpMiddleware = MiddlewareObj<HttpEvent, APIGatewayProxyResult, Error, Context>;
