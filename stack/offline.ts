/**
 * How the API is served offline for a profile: serverless-offline (with the project's Kafka
 * triggers) on the profile's ports, with the functions' environment pointing at its stack.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import path from 'node:path';
import { functionEnvironment, repoRoot, type StackProfile } from './profiles';

/** Starts `serverless offline start` for the profile, detached in its own process group. */
export function spawnOffline(profile: StackProfile, stdio: StdioOptions): ChildProcess {
  const serverless = path.join(repoRoot, 'node_modules', '.bin', 'serverless');
  const ports = ['--httpPort', String(profile.apiPort), '--lambdaPort', String(profile.lambdaPort)];
  return spawn(serverless, ['offline', 'start', '--stage', profile.stage, ...ports], {
    cwd: repoRoot,
    detached: true,
    stdio,
    env: { ...process.env, ...functionEnvironment(profile), SLS_TELEMETRY_DISABLED: '1' },
  });
}
