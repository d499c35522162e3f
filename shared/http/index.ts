/** The HTTP layer every HTTP function uses: routes, the middleware stack, errors and OpenAPI. */
export * from './errors';
export { httpHandler, type RouteInput } from './handler';
export type { HttpEvent } from './middleware/types';
export { openApiDocument } from './openapi';
export { HttpResponse, respond } from './response';
export { defineRoute, type Route } from './route';
