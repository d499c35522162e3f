/**
 * serverless-offline for end-to-end tests: the real API (and the Kafka triggers the project's
 * plugin starts with it) on the test profile's ports, as its own process group.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnOffline } from '../../stack/offline';
import { loadProfile } from '../../stack/profiles';

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

/** Starts `serverless offline start --stage test` and resolves once it serves HTTP. */
export async function startOffline(timeoutMs = 90_000): Promise<OfflineApi> {
  const profile = loadProfile('test');
  const child = spawnOffline(profile, ['ignore', 'pipe', 'pipe']);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const api: OfflineApi = {
    baseUrl: `http://localhost:${profile.apiPort}`,
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
      throw new Error(`serverless offline exited with ${child.exitCode}:\n${output}`);
    if (output.includes('Server ready')) return api;
    await sleep(200);
  }
  await api.stop();
  throw new Error(`serverless offline did not start within ${timeoutMs / 1000} s:\n${output}`);
}
