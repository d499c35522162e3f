import { HttpResponse } from '../response';
import { requestIdOf } from './request-id';
import type { HttpMiddleware } from './types';

/** Serializes what the handler returned as JSON, with the route's success status and the request id. */
export function jsonResponse(successStatus: number): HttpMiddleware {
  return {
    after: async (request) => {
      const result: unknown = request.response;
      const answer = result instanceof HttpResponse ? result : new HttpResponse(successStatus, result);
      request.response = {
        statusCode: answer.statusCode,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-request-id': requestIdOf(request.event, request.context),
          ...answer.headers,
        },
        body: answer.body === undefined ? '' : JSON.stringify(answer.body),
      };
    },
  };
}
