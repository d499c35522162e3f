/**
 * How the API is served offline for a profile: `serverless local-lambda`, the project's local
 * Lambda runtime (stack/lambda) with its schedules and Kafka triggers, on the profile's ports, with
 * the functions' environment pointing at its stack.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { functionEnvironment, repoRoot, type StackProfile } from './profiles';

const environmentOf = (profile: StackProfile) => ({
  ...process.env,
  ...functionEnvironment(profile),
  SLS_TELEMETRY_DISABLED: '1',
});

/**
 * Resolves serverless.yml for the profile's stage (`serverless local-lambda --configOnly` writes
 * what it resolved to .stack/<stage>/local-lambda.json and exits, so Serverless's own process
 * does not stay around beside the runtime) and resolves with that file. Needs no running stack.
 */
export function resolveLocalLambda(profile: StackProfile): Promise<string> {
  const serverless = path.join(repoRoot, 'node_modules', '.bin', 'serverless');
  const ports = ['--httpPort', String(profile.apiPort), '--lambdaPort', String(profile.lambdaPort)];
  const child = spawn(serverless, ['local-lambda', '--stage', profile.stage, ...ports, '--configOnly'], {
    cwd: repoRoot,
    env: environmentOf(profile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(path.join(repoRoot, '.stack', profile.stage, 'local-lambda.json'));
      else reject(new Error(`serverless could not resolve the ${profile.stage} stage:\n${output}`));
    });
  });
}

/** Starts the local Lambda runtime on a resolved service, detached in its own process group. */
export function runLocalLambda(profile: StackProfile, config: string, stdio: StdioOptions): ChildProcess {
  const main = path.join(repoRoot, 'stack', 'lambda', 'main.ts');
  return spawn(process.execPath, ['--import', 'tsx', main, config], {
    cwd: repoRoot,
    detached: true,
    stdio,
    env: environmentOf(profile),
  });
}

/** Resolves the service, then starts the runtime on it. */
export async function spawnOffline(profile: StackProfile, stdio: StdioOptions): Promise<ChildProcess> {
  return runLocalLambda(profile, await resolveLocalLambda(profile), stdio);
}

export interface OfflineApi {
  baseUrl: string;
  /** Everything the process printed so far. */
  output: () => string;
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Serves the API for the profile (tests, benchmarks) and resolves once it answers HTTP. */
export async function startOffline(profile: StackProfile, timeoutMs = 180_000): Promise<OfflineApi> {
  const child = await spawnOffline(profile, ['ignore', 'pipe', 'pipe']);
  let output = '';
  // Also kept in .stack/<profile>/api.log, to read what the functions logged after a run.
  const logDir = path.join(repoRoot, '.stack', profile.name);
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, 'api.log'), { flags: 'a' });
  const collect = (chunk: Buffer) => {
    output += chunk;
    log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('exit', () => log.end());
  // Should this process end without stopping it, the runtime and its containers end with it.
  const killGroup = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.once('exit', killGroup);
  child.once('exit', () => process.off('exit', killGroup));
  const api: OfflineApi = {
    baseUrl: `http://127.0.0.1:${profile.apiPort}`,
    output: () => output,
    stop: async () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      process.kill(-child.pid, 'SIGINT');
      const killer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`serverless local-lambda exited with ${child.exitCode}:\n${output}`);
    if (output.includes('Server ready')) return api;
    await sleep(200);
  }
  await api.stop();
  throw new Error(`serverless local-lambda did not start within ${timeoutMs / 1000} s:\n${output}`);
}
