/** Who is searching, as far as search events need to know. */
import type { HttpEvent } from '../http';

const sessionIdPattern = /^[A-Za-z0-9_-]{8,100}$/;

/** The client's session id from the `x-session-id` header, when it sent a well-formed one. */
export function sessionIdOf(event: HttpEvent): string | undefined {
  const sessionId = event.headers?.['x-session-id'];
  return sessionId && sessionIdPattern.test(sessionId) ? sessionId : undefined;
}
