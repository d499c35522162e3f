/**
 * Background server processes of the stack: each runs in its own process group (so a wrapper and
 * its children stop together), logs to `<stateDir>/<name>.log` and is tracked by `<name>.pid`.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { StackProfile } from '../profiles';
import type { LaunchCommand } from './types';

/** What identifies a component's process: its name and a word its command line must contain. */
export interface TrackedProcess {
  name: string;
  processMarker: string;
}

export function pidFile(profile: StackProfile, name: string): string {
  return path.join(profile.stateDir, `${name}.pid`);
}

export function logFile(profile: StackProfile, name: string): string {
  return path.join(profile.stateDir, `${name}.log`);
}

/**
 * The command line of a live process, or undefined once it has exited. A zombie counts as exited:
 * a server started by an earlier `up` is reparented to init, which may reap it only a while later.
 * `ps` reads the same on Linux and macOS.
 */
function liveCommandLine(pid: number): string | undefined {
  const result = spawnSync('ps', ['-o', 'stat=,args=', '-p', String(pid)], { encoding: 'utf8' });
  const line = result.status === 0 ? result.stdout.trim() : '';
  if (line === '' || line.startsWith('Z')) return undefined;
  return line;
}

const isAlive = (pid: number) => liveCommandLine(pid) !== undefined;

/**
 * The PID of the component's running process, or undefined. A PID file whose process is gone, or
 * whose PID now belongs to another program (after a reboot), is removed, so `down` never signals
 * a stranger's process group.
 */
export function runningPid(profile: StackProfile, tracked: TrackedProcess): number | undefined {
  const file = pidFile(profile, tracked.name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && liveCommandLine(pid)?.includes(tracked.processMarker)) {
    return pid;
  }
  rmSync(file, { force: true });
  return undefined;
}

/** Starts the command detached, in its own process group, writing its output to a fresh log file. */
export function startDetached(profile: StackProfile, name: string, launch: LaunchCommand): number {
  mkdirSync(profile.stateDir, { recursive: true });
  const out = openSync(logFile(profile, name), 'w');
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

/** A helper command (mvn, a format tool) that failed or ran past its time limit. */
export class CommandFailedError extends Error {
  constructor(what: string, reason: string, output: string) {
    super(`${what}: ${reason}\n${output.trim()}`);
    this.name = 'CommandFailedError';
  }
}

/**
 * Runs a short-lived command without blocking the event loop (other components keep starting
 * meanwhile); rejects with its output when it fails or exceeds the time limit.
 */
export function runCommand(
  what: string,
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const reason = error.killed
          ? `no result after ${timeoutMs / 1000} s`
          : `\`${command} ${args.join(' ')}\` exited with ${error.code}`;
        reject(new CommandFailedError(what, reason, `${stdout}${stderr}`));
      },
    );
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

/**
 * Prints the last lines of the log files (with a header per file when there are several); with
 * follow, keeps printing what is appended until interrupted.
 */
export function printLogs(files: string[], follow: boolean, lines = 100): void {
  const present = files.filter((file) => existsSync(file));
  for (const file of files) {
    if (!present.includes(file)) process.stdout.write(`${file}: no log yet\n`);
  }
  if (present.length === 0) return;
  const args = ['-n', String(lines), ...(follow ? ['-F'] : []), ...present];
  const child = spawnSync('tail', args, { stdio: 'inherit' });
  if (child.error) throw child.error;
}

/** True when the executable is on PATH. */
export function onPath(executable: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${executable}`], { stdio: 'ignore' }).status === 0;
}
