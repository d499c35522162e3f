/**
 * Background server processes of the stack: each runs in its own process group (so a wrapper and
 * its children stop together), logs to `<stateDir>/<name>.log` and is tracked by `<name>.pid`.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { StackProfile } from '../profiles';
import type { LaunchCommand } from './types';

export function pidFile(profile: StackProfile, name: string): string {
  return path.join(profile.stateDir, `${name}.pid`);
}

export function logFile(profile: StackProfile, name: string): string {
  return path.join(profile.stateDir, `${name}.log`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The PID of the component's running process, or undefined (a stale PID file is removed). */
export function runningPid(profile: StackProfile, name: string): number | undefined {
  const file = pidFile(profile, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return pid;
  rmSync(file, { force: true });
  return undefined;
}

/** Starts the command detached, in its own process group, appending its output to its log file. */
export function startDetached(profile: StackProfile, name: string, launch: LaunchCommand): number {
  mkdirSync(profile.stateDir, { recursive: true });
  const out = openSync(logFile(profile, name), 'a');
  const child = spawn(launch.command, launch.args, {
    cwd: launch.cwd ?? profile.stateDir,
    detached: true,
    stdio: ['ignore', out, out],
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${launch.command}`);
  child.unref();
  writeFileSync(pidFile(profile, name), `${child.pid}\n`);
  return child.pid;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops the process group: SIGTERM, then SIGKILL after the grace period. Resolves once it is gone. */
export async function stopGroup(pid: number, graceMs = 15_000): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup('SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
}

/** True when something accepts or holds the port on 127.0.0.1. */
export function isPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  if (!existsSync(file)) return '(no log yet)';
  const text = readFileSync(file, 'utf8');
  return text
    .split('\n')
    .slice(-lines - 1)
    .join('\n');
}

/** Prints a log file and, with follow, keeps printing what is appended until interrupted. */
export function printLog(file: string, follow: boolean): void {
  if (!existsSync(file)) {
    process.stdout.write(`${file}: no log yet\n`);
    return;
  }
  if (follow) {
    spawn('tail', ['-n', '50', '-F', file], { stdio: 'inherit' });
    return;
  }
  createReadStream(file).pipe(process.stdout);
}

/** True when the executable is on PATH. */
export function onPath(executable: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${executable}`], { stdio: 'ignore' }).status === 0;
}
