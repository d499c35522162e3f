/**
 * The local Lambda runtime for end-to-end tests: the real API (and the Kafka triggers the project's
 * plugin starts with it) on the test profile's ports, as its own process group.
 */
import { type OfflineApi, startOffline as serve } from '../../stack/offline';
import { loadProfile } from '../../stack/profiles';

export type { OfflineApi };

/** Starts `serverless local-lambda --stage test` and resolves once it serves HTTP. */
export function startOffline(timeoutMs = 90_000): Promise<OfflineApi> {
  return serve(loadProfile('test'), timeoutMs);
}
