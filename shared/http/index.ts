/**
 * The HTTP layer every HTTP function uses: routes, the middleware stack, errors, and what handlers
 * need to protect the core under load (breakers for optional dependencies, pressure). Two parts
 * are imported from their own modules, so that only the functions that use them bundle them: the
 * handler of routes with `auth` (./authenticated-handler, with the token verifier) and the OpenAPI
 * document (./openapi, with zod-to-openapi, for platform-openapi).
 */

export { dependencyBreaker } from '../dependency-breaker';
export * from './errors';
export { httpHandler, type RouteInput } from './handler';
export { underPressure } from './middleware/pressure';
export type { HttpEvent } from './middleware/types';
export { HttpResponse, respond } from './response';
export { defineRoute, type Route } from './route';
