import { randomUUID } from 'node:crypto';
import { defaultPriority, shedRetryAfterSeconds, shouldShed } from '../../domain/traffic';
import { enterEssential, leaveEssential } from '../../redis/load';
import { OverloadedError } from '../errors';
import type { Route } from '../route';
import { currentPressureLevel, trackInvocation } from './pressure';
import type { HttpEvent, HttpMiddleware } from './types';

/**
 * Refuses the request with 503 `overloaded` and `Retry-After: 1` when the container's pressure
 * sheds the route's priority (never an essential route), before any other work is done. A request
 * let through counts as running in this process until it is answered, and an essential one also in
 * Redis, where the other functions see it.
 */
export function loadShedding(route: Pick<Route, 'priority'>): HttpMiddleware {
  const priority = route.priority ?? defaultPriority;
  const running = new WeakMap<HttpEvent, () => void>();
  const finish = async ({ event }: { event: HttpEvent }) => {
    // onError also runs when a middleware before this one failed, with nothing to finish.
    running.get(event)?.();
    running.delete(event);
  };
  return {
    before: async ({ event }) => {
      if (shouldShed(priority, currentPressureLevel())) throw new OverloadedError(shedRetryAfterSeconds);
      const done = trackInvocation();
      if (priority !== 'essential') {
        running.set(event, done);
        return;
      }
      const invocationId = randomUUID();
      // Never waited for: the count is a signal for the other functions and must not slow checkout
      // (nor fail it while Redis is away). The end waits for the start, so it cannot overtake it.
      const entered = enterEssential(invocationId).then(
        () => true,
        () => false,
      );
      running.set(event, () => {
        done();
        void entered.then(async (counted) => {
          if (counted) await leaveEssential(invocationId).catch(() => undefined);
        });
      });
    },
    after: finish,
    onError: finish,
  };
}
