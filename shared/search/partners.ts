/**
 * Partner authentication and quota for the external API. A partner's record is remembered by the
 * container for a minute, so a partner's burst costs one DynamoDB read, not one per request.
 */
import { findPartnerByApiKey, type Partner } from '../dynamo/partner-store';
import { ApiError, TooManyRequestsError } from '../http';
import { takePartnerToken } from '../redis/partner-quota';

const rememberedMs = 60_000;
const remembered = new Map<string, { partner: Partner | undefined; until: number }>();

class InvalidApiKeyError extends ApiError {
  constructor() {
    super(401, 'invalid_api_key', 'A valid partner API key is required in the x-api-key header');
  }
}

async function partnerFor(apiKey: string): Promise<Partner | undefined> {
  const now = Date.now();
  const hit = remembered.get(apiKey);
  if (hit && hit.until > now) return hit.partner;
  const partner = await findPartnerByApiKey(apiKey);
  if (remembered.size > 10_000) remembered.clear();
  remembered.set(apiKey, { partner, until: now + rememberedMs });
  return partner;
}

/**
 * The partner calling with this key after taking one request from its quota. Throws 401
 * `invalid_api_key` for a missing or unknown key and 429 with Retry-After once the quota is spent.
 */
export async function admitPartner(
  apiKey: string | undefined,
): Promise<{ partner: Partner; remaining: number }> {
  if (!apiKey || apiKey.length > 200) throw new InvalidApiKeyError();
  const partner = await partnerFor(apiKey);
  if (!partner) throw new InvalidApiKeyError();
  const decision = await takePartnerToken(partner.partnerId, partner.quota);
  if (!decision.allowed) {
    throw new TooManyRequestsError(decision.retryAfterSeconds, 'The partner quota is used up; retry later');
  }
  return { partner, remaining: decision.remaining };
}
