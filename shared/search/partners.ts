/**
 * Partner authentication and quota for the external API. Known partners are remembered by the
 * container for a minute, so a partner's burst costs one DynamoDB read, not one per request; keys
 * found unknown are remembered too (a bounded, least-recently-used set of their own, so guessed
 * keys can never push a real partner out). A key the container does not know yet costs a DynamoDB
 * read, so such look-ups are limited per client address (a token bucket, shared through Redis):
 * guessing keys from one address is refused with 429 before it costs anything.
 */
import { LastGoodAnswers } from '../domain/circuit-breaker';
import type { QuotaPolicy } from '../domain/quota';
import { findPartnerByApiKey, type Partner } from '../dynamo/partner-store';
import { ApiError, TooManyRequestsError } from '../http';
import { partnerKeyLookupsKey } from '../redis/keys';
import { takePartnerToken } from '../redis/partner-quota';
import { takeBucketToken } from '../redis/token-bucket';

const rememberedMs = 60_000;
/** Look-ups of keys this container does not know, per client address. */
export const keyLookupsPerAddress: QuotaPolicy = { perSecond: 1, burst: 10 };

interface Remembered {
  partner: Partner | undefined;
  until: number;
}

/**
 * What a container remembers of API keys: partners and unknown keys in separate bounded sets, so
 * that no number of unknown keys evicts a partner.
 */
export class PartnerKeys {
  private readonly partners: LastGoodAnswers<Remembered>;
  private readonly unknown: LastGoodAnswers<Remembered>;

  constructor(partnerCapacity = 10_000, unknownCapacity = 10_000) {
    this.partners = new LastGoodAnswers(partnerCapacity);
    this.unknown = new LastGoodAnswers(unknownCapacity);
  }

  /** The partner, null for a key known to be unknown, undefined when the container must look. */
  get(apiKey: string, now: number): Partner | null | undefined {
    for (const set of [this.partners, this.unknown]) {
      const hit = set.get(apiKey);
      if (hit && hit.until > now) return hit.partner ?? null;
    }
    return undefined;
  }

  remember(apiKey: string, partner: Partner | undefined, now: number): void {
    (partner ? this.partners : this.unknown).remember(apiKey, { partner, until: now + rememberedMs });
  }
}

const keys = new PartnerKeys();

class InvalidApiKeyError extends ApiError {
  constructor() {
    super(401, 'invalid_api_key', 'A valid partner API key is required in the x-api-key header');
  }
}

async function partnerFor(apiKey: string, address: string): Promise<Partner | undefined> {
  const now = Date.now();
  const known = keys.get(apiKey, now);
  if (known !== undefined) return known ?? undefined;
  const lookup = await takeBucketToken(partnerKeyLookupsKey(address), keyLookupsPerAddress);
  if (!lookup.allowed) {
    throw new TooManyRequestsError(lookup.retryAfterSeconds, 'Too many unknown API keys from this address');
  }
  const partner = await findPartnerByApiKey(apiKey);
  keys.remember(apiKey, partner, now);
  return partner;
}

/**
 * The partner calling with this key from this address, after taking one request from its quota.
 * Throws 401 `invalid_api_key` for a missing or unknown key, and 429 with Retry-After once the
 * quota is spent or the address has looked up too many keys the container did not know.
 */
export async function admitPartner(
  apiKey: string | undefined,
  address: string,
): Promise<{ partner: Partner; remaining: number }> {
  if (!apiKey || apiKey.length > 200) throw new InvalidApiKeyError();
  const partner = await partnerFor(apiKey, address);
  if (!partner) throw new InvalidApiKeyError();
  const decision = await takePartnerToken(partner.partnerId, partner.quota);
  if (!decision.allowed) {
    throw new TooManyRequestsError(decision.retryAfterSeconds, 'The partner quota is used up; retry later');
  }
  return { partner, remaining: decision.remaining };
}
