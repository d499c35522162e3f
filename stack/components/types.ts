import type { StackProfile } from '../profiles';
import type { TrackedProcess } from './processes';

export type ComponentName = 'redis' | 'kafka' | 'dynamodb';

/** How to launch a component's server process once its binaries are in place. */
export interface LaunchCommand {
  command: string;
  args: string[];
  cwd?: string;
}

/** One server of the local stack: where it listens, how to install, start and probe it. */
export interface Component extends TrackedProcess {
  name: ComponentName;
  /** Ports the server binds; the first is the one clients use. */
  ports(profile: StackProfile): number[];
  /** Environment variables that override those ports, in the same order. */
  portVariables(profile: StackProfile): string[];
  /**
   * Installs or downloads what is missing and prepares data folders; idempotent. `restart`: the
   * rest of the stack runs on, so a stack that starts empty keeps this component's data (an outage
   * of one server loses nothing).
   */
  prepare(profile: StackProfile, log: (line: string) => void, restart: boolean): Promise<LaunchCommand>;
  /** True once the server answers a real request. */
  isHealthy(profile: StackProfile): Promise<boolean>;
  /** Seconds a cold start may take before `up` gives up. */
  startTimeoutSeconds: number;
  /** The folder of data the server keeps across restarts (removed by `down --clean`), if any. */
  dataDir(profile: StackProfile): string | undefined;
}

/** A port the stack needs is held by a process the stack did not start. */
export class PortInUseError extends Error {
  constructor(component: ComponentName, port: number, variable: string) {
    super(
      `${component}: port ${port} on 127.0.0.1 is already in use by another process. ` +
        `Stop that process or choose another port with ${variable}=<port>.`,
    );
    this.name = 'PortInUseError';
  }
}

/** A component did not become healthy in time or exited during start-up. */
export class StartFailedError extends Error {
  constructor(component: ComponentName, reason: string, logTail: string) {
    super(`${component} did not start: ${reason}\n--- last lines of its log ---\n${logTail}`);
    this.name = 'StartFailedError';
  }
}

/** A tool the stack needs (java, mvn, redis-server) is missing and cannot be installed here. */
export class MissingToolError extends Error {
  constructor(tool: string, hint: string) {
    super(`${tool} was not found on PATH. ${hint}`);
    this.name = 'MissingToolError';
  }
}
