/**
 * A gate in front of the stock: during a flash sale thousands of buyers race for a few units, and
 * only about as many as there are units should reach DynamoDB's transaction (the one place that
 * decides, and never oversells). Redis keeps a short-lived count per offer (`stock:{<offerId>}`,
 * seeded from the stock DynamoDB reports, refreshed every few seconds); a buyer takes from it
 * first and is told "sold out" at once when it runs dry. The count may be briefly off (a failed
 * payment gives units back to DynamoDB first), which only lets a few too many through to the
 * transaction, or turns a few away until the next refresh. Without Redis (down, frozen or behind
 * the container's open breaker, each command bounded by shared/redis/client.ts) the gate answers
 * `unknown` having taken nothing, and DynamoDB's transaction decides alone.
 */
import { logger } from '../logger';
import { connectedRedis } from './client';
import { stockGateKey as key } from './keys';

const refreshSeconds = 5;

// Takes the quantity from the count, seeding it first if it expired and a stock is given (ARGV[2]
// not empty). Answers what is left, -1 when short (nothing taken), -2 when the count is unknown.
const takeScript = `
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3], 'NX') end
if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
local left = redis.call('DECRBY', KEYS[1], ARGV[1])
if left < 0 then
  redis.call('INCRBY', KEYS[1], ARGV[1])
  return -1
end
return left
`;

interface GateCommands {
  takeStock(key: string, quantity: number, stock: number | '', seconds: number): Promise<number>;
}
const defined = new WeakSet<object>();

export interface GateLine {
  offerId: string;
  quantity: number;
  /** The stock DynamoDB last reported, to seed an expired count; unknown before the offer is read. */
  stock?: number;
}

/**
 * `passed` (the units were taken: give them back if the order does not go through); `sold_out`
 * (nothing taken); `unknown` (nothing taken) when a count has expired and needs the stock, or
 * when Redis did not answer.
 */
export type GateAnswer = 'passed' | 'sold_out' | 'unknown';

/** Takes every line from the gate, or nothing. */
export async function passGate(lines: readonly GateLine[]): Promise<GateAnswer> {
  try {
    const redis = await connectedRedis();
    if (!defined.has(redis)) {
      redis.defineCommand('takeStock', { numberOfKeys: 1, lua: takeScript });
      defined.add(redis);
    }
    const gate = redis as unknown as GateCommands;
    const taken: GateLine[] = [];
    for (const line of lines) {
      const left = await gate.takeStock(key(line.offerId), line.quantity, line.stock ?? '', refreshSeconds);
      if (left < 0) {
        await giveBack(taken);
        return left === -1 ? 'sold_out' : 'unknown';
      }
      taken.push(line);
    }
    return 'passed';
  } catch (error) {
    logger.warn('stock gate unavailable; DynamoDB decides alone', {
      error: error instanceof Error ? error.message : String(error),
    });
    return 'unknown';
  }
}

/** Gives units back to the gate (the order did not go through). */
export async function giveBack(lines: readonly Pick<GateLine, 'offerId' | 'quantity'>[]): Promise<void> {
  try {
    const redis = await connectedRedis();
    // One command per offer, each count in a slot of its own; only a count that still exists: an
    // expired one is seeded afresh from DynamoDB.
    await Promise.allSettled(
      lines.map((line) =>
        redis.eval(
          "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end return 0",
          1,
          key(line.offerId),
          line.quantity,
        ),
      ),
    );
  } catch {
    // The count refreshes from DynamoDB within seconds anyway.
  }
}
