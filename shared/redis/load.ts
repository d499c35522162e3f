/**
 * How many essential invocations (checkout's writes, logins) are running across every container,
 * the load signal other functions shed their own work by (shared/domain/traffic.ts):
 *
 *   load:{essential}  ZSET  invocation id → when it started (epoch ms)
 *
 * A set of invocations rather than a counter, so a container that dies mid-request cannot leave it
 * high: an invocation cannot outlive its function's timeout (20 s at most for checkout), so an
 * entry older than `staleMs` is not counted and is removed by the next start. The key itself
 * expires once nothing has started for that long. Clocks of different containers may differ by a
 * little; that is nothing against 30 s.
 */
import { connectedRedis, execOrThrow } from './client';
import { essentialLoadKey as key } from './keys';

export const essentialStaleMs = 30_000;

/** Counts an essential invocation as running. */
export async function enterEssential(invocationId: string, now = Date.now()): Promise<void> {
  const redis = await connectedRedis();
  await execOrThrow(
    redis
      .multi()
      .zadd(key, now, invocationId)
      .zremrangebyscore(key, '-inf', now - essentialStaleMs)
      .pexpire(key, essentialStaleMs),
  );
}

/** The invocation is over. */
export async function leaveEssential(invocationId: string): Promise<void> {
  await (await connectedRedis()).zrem(key, invocationId);
}

/** Essential invocations running now, across every container. */
export async function essentialInFlight(now = Date.now()): Promise<number> {
  return (await connectedRedis()).zcount(key, now - essentialStaleMs, '+inf');
}
