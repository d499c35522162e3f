/**
 * Errors a handler throws to answer with a 4xx/5xx. Each has an HTTP status and a stable,
 * machine-readable code; the error middleware turns any of them into the one JSON error shape.
 */

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends ApiError {
  constructor(details: ErrorDetail[]) {
    super(400, 'validation_failed', 'The request does not match the schema of this endpoint', details);
  }
}

/** Input the document's schema allows that breaks a rule its description states. */
export class RuleViolationError extends ApiError {
  constructor(details: ErrorDetail[]) {
    super(422, 'rule_violated', 'The request matches the schema but breaks a rule of this endpoint', details);
  }
}

export class MalformedJsonError extends ApiError {
  constructor() {
    super(400, 'malformed_json', 'The request body is not valid JSON');
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor() {
    super(415, 'unsupported_media_type', 'The request body must be sent as application/json');
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body exceeds ${limitBytes} bytes`);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'A valid access token is required') {
    super(401, 'unauthorized', message, undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

export class ForbiddenError extends ApiError {
  constructor(message = 'This resource belongs to someone else') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends ApiError {
  constructor(message = 'No such resource') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends ApiError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

export class TooManyRequestsError extends ApiError {
  constructor(retryAfterSeconds: number, message = 'Too many requests; retry later') {
    super(429, 'too_many_requests', message, undefined, {
      'Retry-After': String(Math.ceil(retryAfterSeconds)),
    });
  }
}

/** Refused to keep capacity for essential work (checkout) while the platform is overloaded. */
export class OverloadedError extends ApiError {
  constructor(retryAfterSeconds: number, message = 'The service is overloaded; retry shortly') {
    super(503, 'overloaded', message, undefined, { 'Retry-After': String(Math.ceil(retryAfterSeconds)) });
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
