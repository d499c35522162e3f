import type { z } from 'zod';
import { type ErrorDetail, MalformedJsonError, UnsupportedMediaTypeError, ValidationError } from '../errors';
import type { Route } from '../route';
import type { HttpEvent, HttpMiddleware } from './types';

const jsonMediaType = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

function parseJsonBody(event: HttpEvent): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const contentType = event.headers?.['content-type'] ?? event.headers?.['Content-Type'] ?? '';
  if (!jsonMediaType.test(contentType)) throw new UnsupportedMediaTypeError();
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedJsonError();
  }
}

function check(
  schema: z.ZodType | undefined,
  value: unknown,
  where: string,
  details: ErrorDetail[],
): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    details.push({ path: [where, ...issue.path.map(String)].join('.'), message: issue.message });
  }
  return undefined;
}

/**
 * Parses the JSON body and validates path parameters, query string and body against the route's
 * schemas; every problem is reported at once as 400 `validation_failed` with its path.
 */
export function validateInput(route: Route): HttpMiddleware {
  return {
    before: async ({ event }) => {
      const body = route.body ? parseJsonBody(event) : undefined;
      const details: ErrorDetail[] = [];
      const validated = {
        params: check(route.params, event.pathParameters ?? {}, 'params', details),
        query: check(route.query, event.queryStringParameters ?? {}, 'query', details),
        body: check(route.body, body, 'body', details),
      };
      if (details.length > 0) throw new ValidationError(details);
      event.validated = validated;
    },
  };
}
