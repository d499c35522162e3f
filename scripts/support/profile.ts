/**
 * Which stack a script talks to: `--profile dev|test`, or, without it, the dev stack unless the
 * environment already names a deployment (TABLE_PREFIX set, e.g. a stage on AWS with credentials).
 */
import { functionEnvironment, isProfileName, loadProfile } from '../../stack/profiles';

export function useProfile(profile: string | undefined): void {
  if (profile === undefined && process.env.TABLE_PREFIX) return;
  const name = profile ?? 'dev';
  if (!isProfileName(name)) throw new Error(`--profile must be dev, test or cluster, not "${name}"`);
  Object.assign(process.env, functionEnvironment(loadProfile(name)), {
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  });
}
