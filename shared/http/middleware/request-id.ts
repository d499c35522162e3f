import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { HttpEvent, HttpMiddleware } from './types';

/** The request id API Gateway (or the local runtime's gateway) assigned, else the Lambda's. */
export function requestIdOf(event: HttpEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId;
}

/**
 * Puts the request id on every log line of the invocation as `correlation_id`. It is the id a
 * caller sees in `x-request-id` and in error bodies, and on AWS it differs from the Lambda's own
 * request id, so without it a reported error could not be found in the logs.
 */
export function requestId(logger: Logger): HttpMiddleware {
  return {
    before: async ({ event, context }) => {
      logger.setCorrelationId(requestIdOf(event, context));
    },
  };
}
