import type { Logger } from '@aws-lambda-powertools/logger';
import { isApiError } from '../errors';
import { requestIdOf } from './request-id';
import type { HttpMiddleware } from './types';

/**
 * Turns any error into the one error shape `{"error": {code, message, details?, requestId}}`. An
 * ApiError keeps its status and code; anything else is a 500 `internal_error` that reveals nothing
 * of its cause to the caller and is logged with its stack.
 */
export function errorResponse(logger: Logger): HttpMiddleware {
  return {
    onError: async (request) => {
      const { error } = request;
      const requestId = requestIdOf(request.event, request.context);
      const known = isApiError(error) ? error : undefined;
      if (known) {
        logger.info('request rejected', { statusCode: known.statusCode, code: known.code });
      } else {
        logger.error('request failed', error instanceof Error ? error : String(error));
      }
      const statusCode = known?.statusCode ?? 500;
      const body = {
        error: {
          code: known?.code ?? 'internal_error',
          message: known?.message ?? 'The request could not be completed',
          ...(known?.details ? { details: known.details } : {}),
          requestId,
        },
      };
      request.response = {
        statusCode,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-request-id': requestId,
          ...(known?.headers ?? {}),
        },
        body: JSON.stringify(body),
      };
    },
  };
}
