/**
 * What search events teach, kept in Redis (keys named in keys.ts):
 *
 *   popular:<day>          ZSET  keyword → searches that day (marketplace time zone), kept 8 days
 *   related:<keyword>      ZSET  other keyword → times the same visitor searched both within 30 minutes
 *   recent:<visitor>       LIST  the visitor's last keywords, newest first, forgotten after 30 minutes
 *   suggest:{c}:<prefix>   ZSET  (price-cache.ts) keyword → minus its searches, for autocomplete
 *   insights:seen:<event>  STRING an event already counted, so a redelivered one is not counted twice
 *
 * One search writes to keys of several Redis Cluster slots (its day, its keyword's prefixes, each
 * related keyword, the visitor), one transaction per slot: each key keeps its own count exact, and
 * a search whose writes failed part-way is counted again on redelivery by the parts that had
 * succeeded, one search too many in a popularity count rather than one lost.
 */
import {
  marketplaceDay,
  maxSuggestPrefixLength,
  relatedPairs,
  relatedWindowSeconds,
  suggestPrefixes,
} from '../domain/search';
import { allWritten, connectedRedis, execOrThrow } from './client';
import {
  knownKeywordsKey,
  popularKey,
  recentKey,
  relatedKey,
  searchCountedKey as seenKey,
  suggestKey,
} from './keys';

const popularDays = 8;
const recentKeywords = 5;
const seenSeconds = 2 * 24 * 3600;

export interface SearchObserved {
  eventId: string;
  keyword: string;
  resultCount: number;
  /** Member id, else the client's session id; undefined for an anonymous visitor without one. */
  visitor?: string;
  at: Date;
}

/** Counts one search; returns false when this event was already counted. */
export async function countSearch(search: SearchObserved): Promise<boolean> {
  const redis = await connectedRedis();
  const first = await redis.set(seenKey(search.eventId), '1', 'EX', seenSeconds, 'NX');
  if (first !== 'OK') return false;
  try {
    const recent = search.visitor ? await redis.lrange(recentKey(search.visitor), 0, recentKeywords - 1) : [];
    const known = search.resultCount > 0 && (await redis.sismember(knownKeywordsKey, search.keyword)) === 1;
    const writes: Promise<unknown>[] = [];
    // Only keywords that find something are worth suggesting or ranking as popular.
    if (search.resultCount > 0) {
      const popular = popularKey(marketplaceDay(search.at));
      writes.push(
        execOrThrow(
          redis
            .multi()
            .zincrby(popular, 1, search.keyword)
            .expire(popular, popularDays * 24 * 3600),
        ),
      );
    }
    if (known) {
      // The keyword's prefixes share the slot of its first character (price-cache.ts).
      const transaction = redis.multi();
      for (const prefix of suggestPrefixes(search.keyword))
        transaction.zincrby(suggestKey(prefix), -1, search.keyword);
      writes.push(execOrThrow(transaction));
    }
    for (const [keyword, other] of relatedPairs(search.keyword, recent))
      writes.push(redis.zincrby(relatedKey(keyword), 1, other));
    if (search.visitor) {
      const key = recentKey(search.visitor);
      writes.push(
        execOrThrow(
          redis
            .multi()
            .lpush(key, search.keyword)
            .ltrim(key, 0, recentKeywords - 1)
            .expire(key, relatedWindowSeconds),
        ),
      );
    }
    await allWritten(writes);
    return true;
  } catch (error) {
    // Not counted: let the redelivery count it.
    await redis.del(seenKey(search.eventId)).catch(() => undefined);
    throw error;
  }
}

export interface KeywordCount {
  keyword: string;
  searches: number;
}

/** The most searched keywords of a day, most first. */
export async function popularKeywords(day: string, limit: number): Promise<KeywordCount[]> {
  // ioredis 6 types a ZRANGE stop as a string; the reply keeps its RESP2 shape over RESP3.
  const stop = String(limit - 1);
  const flat = await (await connectedRedis()).zrange(popularKey(day), 0, stop, 'REV', 'WITHSCORES');
  const counts: KeywordCount[] = [];
  for (let index = 0; index < flat.length; index += 2) {
    counts.push({ keyword: flat[index] as string, searches: Number(flat[index + 1]) });
  }
  return counts;
}

/** Keywords most often searched together with this one, most first. */
export async function relatedKeywords(keyword: string, limit: number): Promise<string[]> {
  return (await connectedRedis()).zrange(relatedKey(keyword), 0, String(limit - 1), 'REV');
}

/** Known keywords starting with the prefix, most searched first (ties alphabetically). */
export async function suggestedKeywords(prefix: string, limit: number): Promise<string[]> {
  const characters = Array.from(prefix);
  if (characters.length <= maxSuggestPrefixLength)
    return (await connectedRedis()).zrange(suggestKey(prefix), 0, String(limit - 1));
  // Prefixes are indexed up to a length; a longer one filters the longest indexed.
  const indexed = await (await connectedRedis()).zrange(
    suggestKey(characters.slice(0, maxSuggestPrefixLength).join('')),
    0,
    '999',
  );
  return indexed.filter((keyword) => keyword.startsWith(prefix)).slice(0, limit);
}
