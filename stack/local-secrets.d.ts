/** The access-token signing key (base64url, 256 bits) of a local profile, generated on first use. */
export function localSigningKey(profileName: string): string;
/** The key (base64url, 256 bits) of the order requests' HMAC in idempotency records, generated on first use. */
export function localRequestHashKey(profileName: string): string;
export function localAdClickKey(profileName: string): string;
