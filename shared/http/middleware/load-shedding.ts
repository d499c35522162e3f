import { randomUUID } from 'node:crypto';
import { dependencyBreaker } from '../../dependency-breaker';
import { optional } from '../../domain/circuit-breaker';
import { defaultPriority, shedRetryAfterSeconds, shouldShed } from '../../domain/traffic';
import { enterEssential, leaveEssential } from '../../redis/load';
import { OverloadedError } from '../errors';
import type { Route } from '../route';
import { currentPressureLevel, refreshSharedLoad, trackInvocation } from './pressure';
import type { HttpEvent, HttpMiddleware } from './types';

/**
 * The essential count is a signal for the other functions: its writes must neither fail an
 * essential request nor slow it by more than this breaker's timeout.
 */
const essentialCount = dependencyBreaker('essential load count', { timeoutMs: 50 });

const counted = (write: () => Promise<void>) =>
  optional(
    essentialCount,
    async () => {
      await write();
      return true;
    },
    () => false,
  );

/**
 * Refuses the request with 503 `overloaded` and `Retry-After: 1` when the container's pressure
 * sheds the route's priority (never an essential route), before any other work is done. A request
 * let through counts as running in this process until it is answered, and an essential one also in
 * Redis, where the other functions see it. Every Redis call is awaited within the invocation
 * (entering before the handler, leaving before the answer), so none is left running after it.
 */
export function loadShedding(route: Pick<Route, 'priority'>): HttpMiddleware {
  const priority = route.priority ?? defaultPriority;
  const running = new WeakMap<HttpEvent, () => Promise<void>>();
  const finish = async ({ event }: { event: HttpEvent }) => {
    // onError also runs when a middleware before this one failed, with nothing to finish.
    const done = running.get(event);
    running.delete(event);
    await done?.();
  };
  return {
    before: async ({ event }) => {
      await refreshSharedLoad();
      if (shouldShed(priority, currentPressureLevel())) throw new OverloadedError(shedRetryAfterSeconds);
      const done = trackInvocation();
      if (priority !== 'essential') {
        running.set(event, async () => done());
        return;
      }
      const invocationId = randomUUID();
      running.set(event, async () => {
        done();
        // Also after an entry that timed out: it may still have been written.
        await counted(() => leaveEssential(invocationId));
      });
      await counted(() => enterEssential(invocationId));
    },
    after: finish,
    onError: finish,
  };
}
