import type { z } from 'zod';
import {
  type ErrorDetail,
  MalformedJsonError,
  RuleViolationError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors';
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

interface Problem extends ErrorDetail {
  /** A refinement's issue: a rule the schema's JSON Schema cannot state (see ./openapi). */
  rule: boolean;
}

function check(schema: z.ZodType | undefined, value: unknown, where: string, problems: Problem[]): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({
      path: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
      rule: issue.code === 'custom',
    });
  }
  return undefined;
}

/**
 * Parses the JSON body and validates path parameters, query string, headers and body against the
 * route's schemas; every problem is reported at once with its path. Input the route's document
 * refuses is 400 `validation_failed`; input it allows that breaks only rules JSON Schema cannot
 * state (refinements: a common password, a date range the wrong way round) is 422 `rule_violated`.
 */
export function validateInput(route: Route): HttpMiddleware {
  return {
    before: async ({ event }) => {
      const body = route.body ? parseJsonBody(event) : undefined;
      const problems: Problem[] = [];
      const validated = {
        params: check(route.params, event.pathParameters ?? {}, 'params', problems),
        query: check(route.query, event.queryStringParameters ?? {}, 'query', problems),
        headers: check(route.headers, event.headers ?? {}, 'headers', problems),
        body: check(route.body, body, 'body', problems),
      };
      if (problems.length > 0) {
        const details = problems.map(({ path, message }) => ({ path, message }));
        throw problems.every((problem) => problem.rule)
          ? new RuleViolationError(details)
          : new ValidationError(details);
      }
      event.validated = validated;
    },
  };
}
