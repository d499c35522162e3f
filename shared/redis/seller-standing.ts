/**
 * Seller standing in Redis, for the readers on search's path (search's suspension filter, the ad
 * quality factor). DynamoDB holds the truth (shared/dynamo/standing-store.ts); these keys are what
 * the readers need of it, in one slot so one pipeline reads them:
 *
 *   {standing}:grades     ZSET    sellerId → the grade's rank (A 1 … D 4), from the last standing computed
 *   {standing}:suspended  SET     sellers an admin suspended
 *   {standing}:policy     STRING  the standing policy as JSON (absent: the default, which suspends nobody)
 *
 * A seller is suspended when an admin suspended it or the policy suspends its grade; that is
 * decided here, on read, so a change of the policy applies to every seller at once.
 */
import {
  adQualityFactor,
  defaultStandingPolicy,
  type Grade,
  gradeOfRank,
  gradeRank,
  grades,
  type StandingPolicy,
  suspendedByPolicy,
} from '../domain/seller-standing';
import { logger } from '../logger';
import { connectedRedis, execOrThrow } from './client';
import { standingKeys } from './keys';

const parsePolicy = (raw: string | null): StandingPolicy =>
  raw === null ? defaultStandingPolicy : (JSON.parse(raw) as StandingPolicy);

/** Records sellers' grades (null: no standing, forgotten). */
export async function storeGrades(grades: ReadonlyMap<string, Grade | null>): Promise<void> {
  if (grades.size === 0) return;
  const pipeline = (await connectedRedis()).pipeline();
  for (const [sellerId, grade] of grades) {
    if (grade === null) pipeline.zrem(standingKeys.grades, sellerId);
    else pipeline.zadd(standingKeys.grades, gradeRank(grade), sellerId);
  }
  await execOrThrow(pipeline);
}

/** Marks a seller suspended by an admin (true) or reinstated (false). */
export async function storeManualSuspension(sellerId: string, suspended: boolean): Promise<void> {
  const redis = await connectedRedis();
  if (suspended) await redis.sadd(standingKeys.suspended, sellerId);
  else await redis.srem(standingKeys.suspended, sellerId);
}

/** Replaces the set of manually suspended sellers (the refresh, from DynamoDB). */
export async function replaceManualSuspensions(sellerIds: readonly string[]): Promise<void> {
  const pipeline = (await connectedRedis()).multi().del(standingKeys.suspended);
  if (sellerIds.length > 0) pipeline.sadd(standingKeys.suspended, ...sellerIds);
  await execOrThrow(pipeline);
}

export async function storePolicy(policy: StandingPolicy): Promise<void> {
  await (await connectedRedis()).set(standingKeys.policy, JSON.stringify(policy));
}

/** Every seller with a grade recorded. */
export async function gradedSellers(): Promise<string[]> {
  return (await connectedRedis()).zrange(standingKeys.grades, '0', '-1');
}

// The manually suspended sellers, and, when the policy is on, the sellers whose grade's rank is at
// or beyond the policy's: the policy is read and applied in Redis, so the reply holds only the
// suspended. ARGV[1] is the rank of each grade (gradeRank) as JSON.
const suspendedScript = `
local manual = redis.call('SMEMBERS', KEYS[2])
local raw = redis.call('GET', KEYS[3])
if not raw then return {manual, {}} end
local policy = cjson.decode(raw)
local rank = cjson.decode(ARGV[1])[policy.suspendAtOrBelow]
if policy.suspendOffers ~= true or not rank then return {manual, {}} end
return {manual, redis.call('ZRANGEBYSCORE', KEYS[1], rank, '+inf')}
`;
const gradeRanks = JSON.stringify(Object.fromEntries(grades.map((grade) => [grade, gradeRank(grade)])));

interface StandingCommands {
  suspendedSellers(
    grades: string,
    suspended: string,
    policy: string,
    ranks: string,
  ): Promise<[string[], string[]]>;
}
const defined = new WeakSet<object>();

async function commands(): Promise<StandingCommands> {
  const redis = await connectedRedis();
  if (!defined.has(redis)) {
    redis.defineCommand('suspendedSellers', { numberOfKeys: 3, lua: suspendedScript });
    defined.add(redis);
  }
  return redis as unknown as StandingCommands;
}

/**
 * Every seller whose offers are suspended from search: those an admin suspended, and those the
 * policy suspends by grade. One round trip, whose reply holds only the suspended sellers.
 */
export async function suspendedSellerIds(): Promise<Set<string>> {
  const [manual, byGrade] = await (await commands()).suspendedSellers(
    standingKeys.grades,
    standingKeys.suspended,
    standingKeys.policy,
    gradeRanks,
  );
  return new Set([...manual, ...byGrade]);
}

async function readFactors(sellerIds: readonly string[]): Promise<Map<string, number>> {
  const redis = await connectedRedis();
  const [policyRaw, suspended, ranks] = (await execOrThrow(
    redis
      .pipeline()
      .get(standingKeys.policy)
      .smismember(standingKeys.suspended, ...sellerIds)
      .zmscore(standingKeys.grades, ...sellerIds),
  )) as [string | null, number[], (string | null)[]];
  const policy = parsePolicy(policyRaw);
  return new Map(
    sellerIds.map((sellerId, index) => {
      const rank = ranks[index];
      const grade = rank === null || rank === undefined ? null : gradeOfRank(Number(rank));
      const off = suspended[index] === 1 || suspendedByPolicy(policy, grade);
      return [sellerId, adQualityFactor(grade, off)];
    }),
  );
}

/**
 * Each seller's ad quality factor in [0, 1]: 0 when suspended, 1 with no standing yet, else its
 * grade's. One Redis round trip, bounded by the connection's own command timeout (redisTimeoutMs)
 * and refused at once while the container's Redis breaker is open; when Redis fails, every seller
 * gets 1, so ads never wait on standing. (No timer of its own races the read: a read left in
 * flight after the answer would run on in a frozen container.)
 */
export async function standingFactorsOf(sellerIds: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(sellerIds)];
  if (unique.length === 0) return new Map();
  try {
    return await readFactors(unique);
  } catch (error) {
    logger.warn('seller standing unavailable; factors 1', {
      error: error instanceof Error ? error.message : String(error),
    });
    return new Map(unique.map((sellerId) => [sellerId, 1]));
  }
}
