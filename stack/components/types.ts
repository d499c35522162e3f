import type { StackProfile } from '../profiles';
import type { TrackedProcess } from './processes';

export type ComponentName = 'redis' | 'kafka' | 'dynamodb';

/** How to launch a component's server process once its binaries are in place. */
export interface LaunchCommand {
  command: string;
  args: string[];
  cwd?: string;
}

/**
 * One process of a component: the component's only one (named like it), or node n of a cluster
 * (`redis-1`, `kafka-2`, …), each with its own PID file, log and folder.
 */
export interface ComponentNode extends TrackedProcess {
  /** From 0. */
  index: number;
}

/**
 * One server of the local stack: where it listens, how to install, start and probe it. A clustered
 * server runs as `profile.nodes` processes on a profile with several nodes, which `up` starts and
 * stops together.
 */
export interface Component extends TrackedProcess {
  name: ComponentName;
  /** Whether it runs as a cluster of the profile's nodes (else as one process on every profile). */
  clustered: boolean;
  /** Ports the server binds, node after node; the first is the one clients use. */
  ports(profile: StackProfile): number[];
  /** Environment variables that override those ports, in the same order. */
  portVariables(profile: StackProfile): string[];
  /**
   * Installs or downloads what is missing and prepares data folders; idempotent. Answers the launch
   * of each node given, in the same order. `restart`: the rest of the stack (or of the cluster)
   * runs on, so a stack that starts empty keeps these nodes' data (an outage of one server loses
   * nothing).
   */
  prepare(
    profile: StackProfile,
    nodes: readonly ComponentNode[],
    log: (line: string) => void,
    restart: boolean,
  ): Promise<LaunchCommand[]>;
  /** Once its nodes run: joins them into one cluster when they are not one yet. */
  form?(profile: StackProfile, log: (line: string) => void): Promise<void>;
  /** True once the server (every node, as one cluster) answers a real request. */
  isHealthy(profile: StackProfile): Promise<boolean>;
  /** Seconds a cold start may take before `up` gives up. */
  startTimeoutSeconds: number;
  /** The folders of data the server keeps across restarts (removed by `down --clean`). */
  dataDirs(profile: StackProfile): string[];
}

/** The ports one node binds: its share of the component's ports, which are listed node after node. */
export function nodePorts(component: Component, profile: StackProfile, node: ComponentNode): number[] {
  const ports = component.ports(profile);
  const perNode = ports.length / nodesOf(component, profile).length;
  return ports.slice(node.index * perNode, (node.index + 1) * perNode);
}

/** The processes of a component on the profile. */
export function nodesOf(component: Component, profile: StackProfile): ComponentNode[] {
  const count = component.clustered ? profile.nodes : 1;
  return Array.from({ length: count }, (_, index) => ({
    name: count === 1 ? component.name : `${component.name}-${index + 1}`,
    processMarker: component.processMarker,
    index,
  }));
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
  constructor(component: string, reason: string, logTail: string) {
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
