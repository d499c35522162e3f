import { type BreakerOptions, CircuitBreaker } from './domain/circuit-breaker';
import { logger } from './logger';

/**
 * A circuit breaker for an optional dependency (use it with `optional` of
 * shared/domain/circuit-breaker.ts), logged when it opens and when it closes again: once per
 * outage, not for every call it refuses.
 */
export function dependencyBreaker(
  dependency: string,
  options: Omit<BreakerOptions, 'onTransition'> = {},
): CircuitBreaker {
  return new CircuitBreaker({
    ...options,
    onTransition: ({ from, to, error }) => {
      if (to === 'open' && from === 'closed') {
        logger.warn('dependency unavailable; answering with fallbacks', {
          dependency,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (to === 'closed') logger.warn('dependency available again', { dependency });
    },
  });
}
