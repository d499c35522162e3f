/** A handler's answer when it is not the route's success status with a plain JSON body. */
export class HttpResponse<Body = unknown> {
  constructor(
    readonly statusCode: number,
    readonly body: Body,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** An answer with an explicit status (and headers), serialized as JSON like any other. */
export function respond<Body>(
  statusCode: number,
  body: Body,
  headers?: Record<string, string>,
): HttpResponse<Body> {
  return new HttpResponse(statusCode, body, headers);
}
