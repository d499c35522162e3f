/**
 * What sponsored slots cost, in the `{ads}` slot (keys.ts), beside serving's copy of the campaigns:
 *
 *   ad-spend:{ads}:<day>:<campaignId>  STRING  won the campaign's clicks cost on that marketplace day
 *   ad-click:{ads}:<clickId>           STRING  the click was charged (expires with its click window)
 *   ad-events:{ads}                    STREAM  AdImpressed and AdClicked events on their way to the
 *                                              ad topic (event-stream.ts; relayed by
 *                                              functions/ads/events-relay.ts)
 *
 * One script chooses a page's ads among candidates by the day's spend and appends their impressions
 * (`showAds`); another charges a click: it refuses a click already charged in its window, refuses one the
 * day's budget cannot pay in full, and otherwise adds the bid to the day's spend, marks the click
 * and appends its AdClicked event, all at once, so no number of concurrent clicks can spend past the
 * budget and every charge has its event. A day's spend that Redis does not hold (the day's first
 * click, or a Redis that lost its data) is seeded from DynamoDB's durable copy first.
 */
import { connectedRedis, execOrThrow, type RedisClient } from './client';
import { eventStream, streamCap } from './event-stream';
import { adKeys } from './keys';

/** Ad events on their way to Kafka. */
export const adEventStream = eventStream(adKeys.events);

/** A day's counter outlives the day, for a click that comes in at its very end. */
const spendSeconds = 2 * 86_400;

// KEYS: spend, click, events. ARGV: bid, budget, seed ('' when none), spend ttl, click ttl, event
// JSON, stream cap. Answers {outcome, spent}: 1 charged, 0 already charged in the window, -1 the
// budget cannot pay the bid, -2 the day's spend is not known (call again with a seed).
const chargeScript = `
if redis.call('EXISTS', KEYS[2]) == 1 then return {0, tonumber(redis.call('GET', KEYS[1]) or '0')} end
if redis.call('EXISTS', KEYS[1]) == 0 then
  if ARGV[3] == '' then return {-2, 0} end
  redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
end
local spent = tonumber(redis.call('GET', KEYS[1]))
local bid = tonumber(ARGV[1])
if spent + bid > tonumber(ARGV[2]) then return {-1, spent} end
spent = redis.call('INCRBY', KEYS[1], bid)
redis.call('SET', KEYS[2], '1', 'EX', ARGV[5])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[7], '*', 'event', ARGV[6])
return {1, spent}
`;

// KEYS: events, then one spend key per candidate. ARGV: slots, stream cap, then per candidate its
// bid, budget and impression event JSON (whose data has "slot":0). Takes the candidates in order
// whose day's spend can still pay their bid, at most `slots`, appends each one's impression with its
// slot, and answers their positions (from 1) among the candidates.
const showScript = `
local slots = tonumber(ARGV[1])
local shown = {}
for i = 2, #KEYS do
  if #shown >= slots then break end
  local at = 3 + (i - 2) * 3
  local spent = tonumber(redis.call('GET', KEYS[i]) or '0')
  if spent + tonumber(ARGV[at]) <= tonumber(ARGV[at + 1]) then
    local event = string.gsub(ARGV[at + 2], '"slot":0', '"slot":' .. #shown, 1)
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'event', event)
    shown[#shown + 1] = i - 1
  end
end
return shown
`;

interface BillingCommands {
  chargeClick(...keysAndArgs: Array<string | number>): Promise<[number, number]>;
  showAds(...keysAndArgs: Array<string | number>): Promise<number[]>;
}
const defined = new WeakSet<RedisClient>();

async function redis(): Promise<RedisClient & BillingCommands> {
  const client = await connectedRedis();
  if (!defined.has(client)) {
    client.defineCommand('chargeClick', { numberOfKeys: 3, lua: chargeScript });
    client.defineCommand('showAds', { lua: showScript });
    defined.add(client);
  }
  return client as RedisClient & BillingCommands;
}

export interface ClickCharge {
  day: string;
  campaignId: string;
  clickId: string;
  bidWon: number;
  dailyBudgetWon: number;
  /** Seconds left in the click's window: how long it is remembered as charged. */
  windowSeconds: number;
  /** The AdClicked event, as JSON, appended when the click is charged. */
  eventJson: string;
  /** The day's durable spend, when Redis has none. */
  seed?: number;
}

export type ChargeOutcome =
  | { outcome: 'charged'; spentWon: number }
  | { outcome: 'repeated'; spentWon: number }
  | { outcome: 'budget_spent'; spentWon: number }
  | { outcome: 'spend_unknown' };

export async function chargeClick(charge: ClickCharge): Promise<ChargeOutcome> {
  const [code, spentWon] = await (await redis()).chargeClick(
    adKeys.spend(charge.day, charge.campaignId),
    adKeys.click(charge.clickId),
    adKeys.events,
    charge.bidWon,
    charge.dailyBudgetWon,
    charge.seed ?? '',
    spendSeconds,
    charge.windowSeconds,
    charge.eventJson,
    streamCap,
  );
  switch (code) {
    case 1:
      return { outcome: 'charged', spentWon };
    case 0:
      return { outcome: 'repeated', spentWon };
    case -1:
      return { outcome: 'budget_spent', spentWon };
    default:
      return { outcome: 'spend_unknown' };
  }
}

/** Seeds the day's spend Redis lacks from DynamoDB's copy (never lowers one Redis holds). */
export async function seedSpend(day: string, spent: ReadonlyMap<string, number>): Promise<void> {
  if (spent.size === 0) return;
  const client = await redis();
  const batch = client.multi();
  for (const [campaignId, won] of spent)
    batch.set(adKeys.spend(day, campaignId), won, 'EX', spendSeconds, 'NX');
  await execOrThrow(batch);
}

/** The day's spend of each campaign Redis knows it of (one MGET: one slot). */
export async function spendToday(day: string, campaignIds: readonly string[]): Promise<Map<string, number>> {
  if (campaignIds.length === 0) return new Map();
  const values = await (await redis()).mget(...campaignIds.map((id) => adKeys.spend(day, id)));
  const spent = new Map<string, number>();
  campaignIds.forEach((id, index) => {
    const value = values[index];
    if (value !== null && value !== undefined) spent.set(id, Number(value));
  });
  return spent;
}

export interface AdCandidate {
  campaignId: string;
  bidWon: number;
  dailyBudgetWon: number;
  /** Its AdImpressed event as JSON, with `"slot":0` where its slot goes. */
  impressionJson: string;
}

/**
 * Shows the first `slots` candidates (best first) whose day's spend can still pay their bid: their
 * impressions are appended with their slots, in one script, so a page costs one round trip for
 * its budgets and impressions together. Answers the indexes of the candidates shown, in slot order.
 */
export async function showAds(
  day: string,
  candidates: readonly AdCandidate[],
  slots: number,
): Promise<number[]> {
  if (candidates.length === 0 || slots <= 0) return [];
  const shown = await (await redis()).showAds(
    1 + candidates.length,
    adKeys.events,
    ...candidates.map((candidate) => adKeys.spend(day, candidate.campaignId)),
    slots,
    streamCap,
    ...candidates.flatMap((candidate) => [
      candidate.bidWon,
      candidate.dailyBudgetWon,
      candidate.impressionJson,
    ]),
  );
  return shown.map((position) => position - 1);
}
