/** The access-token signing key (base64url, 256 bits) of a local profile, generated on first use. */
export function localSigningKey(profileName: string): string;
