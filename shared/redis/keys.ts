/**
 * Every Redis key of the project is named here and nowhere else, so that no two key spaces can
 * ever meet, by construction rather than by care:
 *
 * - a key starts with the literal of its space (`group:`, `keyword:`, `suggest:`…), and no space's
 *   literal is a prefix of another's;
 * - text from outside (keywords, prefixes, ids, addresses, days) appears only inside a hash tag
 *   (`hashTag`, which percent-encodes `{`, `}` and `%`, so the tag ends where the text does), or
 *   as the last part of a key after a literal, where nothing of the key follows it;
 * - within a space, keys that differ only by such text differ in a literal before it.
 *
 * So a keyword such as "known" can only ever name a keyword's own keys. The hash tags put keys used
 * together in one Redis Cluster slot: each adapter says which it uses together. Renaming a key
 * leaves the old one behind until it expires or `npm run cache:rebuild` clears the price cache
 * (docs/search.md).
 */
import { hashTag } from './client';

/** The price cache of one product group (price-cache.ts), all in the group's slot. */
export const groupKeys = (groupId: string) => {
  const tag = hashTag(groupId);
  return {
    offers: `group:${tag}:offers`,
    state: `group:${tag}:state`,
    keywords: `group:${tag}:keywords`,
    dropped: `group:${tag}:dropped`,
    /** The group's first page of offers as search shows it, ready to send. */
    top: `group:${tag}:top`,
    /** Followed by an offer id: what search shows of that offer. */
    offerPrefix: `offer:${tag}:`,
  };
};

/** A keyword's groups and its "found nothing" mark, in the keyword's slot. */
export const keywordGroupsKey = (keyword: string) => `keyword:${hashTag(keyword)}:groups`;
export const keywordEmptyKey = (keyword: string) => `keyword:${hashTag(keyword)}:empty`;

/** Every keyword ever listed: a space of its own, which no keyword or prefix can name. */
export const knownKeywordsKey = 'known-keywords';
/** Keywords starting with a prefix; a keyword's prefixes share the slot of its first character. */
export const suggestKey = (prefix: string) => `suggest:${hashTag(Array.from(prefix)[0] ?? '')}:${prefix}`;

/** Search counts per day, related keywords, visitors' recent keywords, events counted. */
export const popularKey = (day: string) => `popular:${day}`;
export const relatedKey = (keyword: string) => `related:${keyword}`;
export const recentKey = (visitor: string) => `recent:${visitor}`;
export const searchCountedKey = (eventId: string) => `insights:seen:${eventId}`;

/** Search events on their way to Kafka: one stream, in one slot. */
export const searchEventStreamKey = `search-events:${hashTag('relay')}`;

/** Essential invocations running everywhere. */
export const essentialLoadKey = 'load:{essential}';

/** The promotion set and the sold-out promotions, read in one pipeline: one slot. */
export const promotionKeys = { all: '{promotions}:all', exhausted: '{promotions}:exhausted' };

/** The stock gate's count of an offer. */
export const stockGateKey = (offerId: string) => `stock:${hashTag(offerId)}`;

/** Token buckets: a client class's and a partner's. */
export const clientBucketKey = (clientClass: string, id: string) => `rate:${hashTag(`${clientClass}:${id}`)}`;
export const partnerQuotaKey = (partnerId: string) => `quota:${hashTag(partnerId)}`;
/** Look-ups of API keys a container did not know, from one client address. */
export const partnerKeyLookupsKey = (address: string) => `partner-lookups:${hashTag(address)}`;

/**
 * The login guard (login-guard.ts): an account's counters and known addresses share the account's
 * slot (one script); an address's counter is in the address's slot.
 */
export const loginKeys = (accountHash: string, address: string) => {
  const account = hashTag(`account:${accountHash}`);
  return {
    pair: `login:${account}:from:${address}`,
    account: `login:${account}:all`,
    known: `login:${account}:known`,
    address: `login:${hashTag(`address:${address}`)}`,
  };
};

/**
 * Sponsored offers (ad-campaigns.ts, ad-billing.ts): the campaigns serving reads, the spend of each
 * campaign-day, the clicks already charged and the ad events on their way to Kafka share one slot,
 * so that one script checks a click, charges it and records its event atomically. Campaign ids and
 * days are checked ids; a click id is a hash.
 */
const adsTag = hashTag('ads');
export const adKeys = {
  campaigns: `ad-campaigns:${adsTag}`,
  suspendedSellers: `ad-suspended:${adsTag}`,
  /** Set once the two above were loaded from DynamoDB (absent after a Redis loss). */
  loaded: `ad-loaded:${adsTag}`,
  events: `ad-events:${adsTag}`,
  spend: (day: string, campaignId: string) => `ad-spend:${adsTag}:${day}:${campaignId}`,
  click: (clickId: string) => `ad-click:${adsTag}:${clickId}`,
};

/**
 * Seller standing (seller-standing.ts): each seller's grade, the manually suspended sellers and the
 * standing policy, read together: one slot.
 */
export const standingKeys = {
  grades: '{standing}:grades',
  suspended: '{standing}:suspended',
  policy: '{standing}:policy',
};
