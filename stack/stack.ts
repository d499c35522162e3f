/**
 * The local stack as a whole: Redis, Kafka and DynamoDB Local started together, waited on until
 * healthy, bootstrapped with the tables and topics of shared/infra, and stopped by process group.
 * On a profile with several nodes, Redis and Kafka each run as that many processes forming one
 * cluster; `up` starts whichever of them is not running, so a node that was stopped rejoins.
 */
import { rmSync } from 'node:fs';
import { createTables, createTopics } from './bootstrap';
import { dynamodb } from './components/dynamodb';
import { kafka } from './components/kafka';
import {
  isPortTaken,
  logFile,
  pidFile,
  runningPid,
  startDetached,
  stopGroup,
  tail,
} from './components/processes';
import { redis } from './components/redis';
import type { LaunchCommand } from './components/types';
import {
  type Component,
  type ComponentName,
  type ComponentNode,
  nodePorts,
  nodesOf,
  PortInUseError,
  StartFailedError,
} from './components/types';
import type { StackProfile } from './profiles';

export const components: readonly Component[] = [redis, kafka, dynamodb];

/** One process: a component, or a node of a clustered one (`redis-1`). */
export interface ComponentStatus {
  name: string;
  running: boolean;
  healthy: boolean;
  pid?: number;
  endpoint: string;
}

export interface UpResult {
  /** Components this call started; the others were already running. */
  started: ComponentName[];
  seconds: number;
}

type Log = (line: string) => void;

const isRunning = (profile: StackProfile, component: Component) =>
  nodesOf(component, profile).some((node) => runningPid(profile, node) !== undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function componentNamed(name: string): Component {
  const component = components.find((candidate) => candidate.name === name);
  if (!component)
    throw new Error(`Unknown component "${name}"; known: ${components.map((c) => c.name).join(', ')}`);
  return component;
}

async function waitHealthy(
  component: Component,
  profile: StackProfile,
  nodes: readonly ComponentNode[],
  pids: readonly (number | undefined)[],
): Promise<void> {
  const deadline = Date.now() + component.startTimeoutSeconds * 1_000;
  while (Date.now() < deadline) {
    if (await component.isHealthy(profile)) return;
    const exited = nodes.find((node, index) => runningPid(profile, node) !== pids[index]);
    if (exited) {
      throw new StartFailedError(exited.name, 'the process exited', tail(logFile(profile, exited.name)));
    }
    await sleep(250);
  }
  throw new StartFailedError(
    component.name,
    `not healthy after ${component.startTimeoutSeconds} s`,
    nodes.map((node) => tail(logFile(profile, node.name))).join('\n'),
  );
}

/**
 * Starts the processes of a component that are not running; returns whether this call started
 * any. Nodes still running make it a restart of the others, which keep their data.
 */
async function startComponent(
  component: Component,
  profile: StackProfile,
  log: Log,
  restart: boolean,
): Promise<boolean> {
  const nodes = nodesOf(component, profile);
  const stopped = nodes.filter((node) => runningPid(profile, node) === undefined);
  if (stopped.length === 0) {
    const pids = nodes.map((node) => runningPid(profile, node));
    await waitHealthy(component, profile, nodes, pids);
    log(`${component.name}: already running (pid ${pids.join(', ')})`);
    return false;
  }
  const pids = nodes.map((node) => runningPid(profile, node));
  const launches = await component.prepare(profile, stopped, log, restart || stopped.length < nodes.length);
  const started = Date.now();
  const newPids = stopped.map((node, index) => {
    const pid = startDetached(profile, node.name, launches[index] as LaunchCommand);
    pids[node.index] = pid;
    return pid;
  });
  try {
    await component.form?.(profile, log);
    await waitHealthy(component, profile, nodes, pids);
  } catch (error) {
    await Promise.all(newPids.map((pid) => stopGroup(pid, 2_000)));
    for (const node of stopped) rmSync(pidFile(profile, node.name), { force: true });
    throw error;
  }
  const ports = component.ports(profile);
  const where =
    stopped.length === 1 && nodes.length === 1
      ? `127.0.0.1:${ports[0]}`
      : stopped.map((node) => node.name).join(', ');
  log(
    `${component.name}: up on ${where} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${newPids.join(', ')})`,
  );
  return true;
}

/** Fails before anything starts when a port of a process that is not running is taken. */
async function assertPortsFree(profile: StackProfile, selected: readonly Component[]): Promise<void> {
  for (const component of selected) {
    const ports = component.ports(profile);
    const variables = component.portVariables(profile);
    for (const node of nodesOf(component, profile)) {
      if (runningPid(profile, node) !== undefined) continue;
      for (const port of nodePorts(component, profile, node)) {
        if (await isPortTaken(port))
          throw new PortInUseError(component.name, port, variables[ports.indexOf(port)] ?? '');
      }
    }
  }
}

/**
 * Brings the components (all by default) up concurrently, then creates the missing tables and
 * topics on them. Harmless when they already run. Rejects with a clear error when a port is taken
 * or a server fails to start, leaving nothing this call started behind.
 */
export async function up(
  profile: StackProfile,
  log: Log = console.log,
  only: readonly Component[] = components,
): Promise<UpResult> {
  const started = Date.now();
  await assertPortsFree(profile, only);
  // Starting some servers while the others run on is a restart, not a new stack.
  const restart = components.some((component) => !only.includes(component) && isRunning(profile, component));
  const results = await Promise.allSettled(
    only.map((component) => startComponent(component, profile, log, restart)),
  );
  const startedNow = only.filter((_, index) => {
    const result = results[index];
    return result?.status === 'fulfilled' && result.value;
  });
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) {
    await down(profile, () => undefined, startedNow);
    throw failure.reason;
  }
  if (only.includes(dynamodb)) {
    const tables = await createTables(profile);
    if (tables.length > 0) log(`dynamodb: created ${tables.length} tables`);
  }
  if (only.includes(kafka)) {
    const topics = await createTopics(profile);
    if (topics.length > 0) log(`kafka: created ${topics.length} topics`);
  }
  const seconds = (Date.now() - started) / 1000;
  log(`stack "${profile.name}" is up in ${seconds.toFixed(1)} s`);
  return { started: startedNow.map((component) => component.name), seconds };
}

export interface DownOptions {
  /** Also delete the data the components keep across restarts (the dev stack's records and items). */
  clean?: boolean;
}

/** Stops the given components (all by default) by process group; harmless when already down. */
export async function down(
  profile: StackProfile,
  log: Log = console.log,
  only: readonly Component[] = components,
  options: DownOptions = {},
): Promise<void> {
  await Promise.all(
    only.flatMap((component) =>
      nodesOf(component, profile).map(async (node) => {
        const pid = runningPid(profile, node);
        if (pid === undefined) {
          log(`${node.name}: not running`);
          return;
        }
        const started = Date.now();
        await stopGroup(pid);
        rmSync(pidFile(profile, node.name), { force: true });
        log(`${node.name}: stopped (pid ${pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }),
    ),
  );
  if (!options.clean) return;
  for (const component of only) {
    for (const data of component.dataDirs(profile)) {
      rmSync(data, { recursive: true, force: true });
      log(`${component.name}: deleted its data in ${data}`);
    }
  }
}

/**
 * Stops one node of a clustered component at once (SIGKILL, as a crash would), leaving the others
 * running; `up` starts it again. For tests of what an outage of one node loses.
 */
export async function killNode(profile: StackProfile, component: Component, index: number): Promise<void> {
  const node = nodesOf(component, profile)[index];
  if (!node) throw new Error(`${component.name} has no node ${index} on profile ${profile.name}`);
  const pid = runningPid(profile, node);
  if (pid === undefined) return;
  await stopGroup(pid, 0);
  rmSync(pidFile(profile, node.name), { force: true });
}

/** Whether each process runs and its component answers. */
export async function status(profile: StackProfile): Promise<ComponentStatus[]> {
  const states = await Promise.all(
    components.map(async (component) => {
      const healthy = await component.isHealthy(profile);
      return nodesOf(component, profile).map((node) => {
        const pid = runningPid(profile, node);
        return {
          name: node.name,
          running: pid !== undefined,
          healthy,
          pid,
          // A Kafka node's broker port, not its controller's.
          endpoint: `127.0.0.1:${nodePorts(component, profile, node)[0]}`,
        };
      });
    }),
  );
  return states.flat();
}
