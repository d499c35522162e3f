/**
 * The local Lambda runtime for end-to-end tests: the real API (and the Kafka triggers the project's
 * plugin starts with it) on the test profile's ports, as its own process group.
 */
import { leftRunningReport } from '../../stack/lambda/protocol';
import { type OfflineApi, startOffline as serve } from '../../stack/offline';
import { loadProfile, type StackProfile } from '../../stack/profiles';

export type { OfflineApi };

/** The test stage's reports of work a function's own code left running after its answer. */
function leftRunningErrors(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /\sERROR RequestId: \S+ /.test(line) && line.includes(leftRunningReport));
}

/**
 * Starts `serverless local-lambda --stage test` (on the test profile, or on a variant of it such as
 * one whose Redis port is a proxy's) and resolves once it serves HTTP. Its `stop`
 * fails the test file when any function left work running after an answer (on Lambda that work
 * would wait, frozen, or be lost).
 */
export async function startOffline(
  timeoutMs = 90_000,
  profile: StackProfile = loadProfile('test'),
): Promise<OfflineApi> {
  const api = await serve(profile, timeoutMs);
  return {
    ...api,
    stop: async () => {
      const left = leftRunningErrors(api.output());
      await api.stop();
      if (left.length > 0) throw new Error(`work left running after an answer:\n${left.join('\n')}`);
    },
  };
}
