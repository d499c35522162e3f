/**
 * The HTTP layer every HTTP function uses: routes, the middleware stack, errors, OpenAPI, and what
 * handlers need to protect the core under load (breakers for optional dependencies, pressure).
 */

export { dependencyBreaker } from '../dependency-breaker';
export * from './errors';
export { httpHandler, type RouteInput } from './handler';
export { underPressure } from './middleware/pressure';
export type { HttpEvent } from './middleware/types';
export { openApiDocument } from './openapi';
export { HttpResponse, respond } from './response';
export { defineRoute, type Route } from './route';
