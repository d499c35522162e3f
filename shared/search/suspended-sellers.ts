/**
 * The sellers whose offers search leaves out (suspended by an admin or by the standing policy):
 * each container remembers the set for `rememberedMs`, then reads it again from Redis in one
 * round trip. When Redis fails, search goes on with the set last read (none in a container that
 * never read one): a suspension never makes search fail or wait.
 */
import { logger } from '../logger';
import { suspendedSellerIds } from '../redis/seller-standing';

/** A suspension or reinstatement shows in every container's search within this long. */
export const rememberedMs = 5_000;
let remembered: { set: ReadonlySet<string>; until: number } | undefined;

export async function suspendedSellers(now = Date.now()): Promise<ReadonlySet<string>> {
  if (remembered && remembered.until > now) return remembered.set;
  try {
    remembered = { set: await suspendedSellerIds(), until: now + rememberedMs };
  } catch (error) {
    logger.warn('suspended sellers unavailable, searching with the last set read', {
      error: error instanceof Error ? error.message : String(error),
    });
    remembered = { set: remembered?.set ?? new Set(), until: now + rememberedMs };
  }
  return remembered.set;
}
