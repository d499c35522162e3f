/**
 * The local stack as a whole: Redis, Kafka and DynamoDB Local started together, waited on until
 * healthy, bootstrapped with the tables and topics of shared/infra, and stopped by process group.
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
import { type Component, type ComponentName, PortInUseError, StartFailedError } from './components/types';
import type { StackProfile } from './profiles';

export const components: readonly Component[] = [redis, kafka, dynamodb];

export interface ComponentStatus {
  name: ComponentName;
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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function componentNamed(name: string): Component {
  const component = components.find((candidate) => candidate.name === name);
  if (!component)
    throw new Error(`Unknown component "${name}"; known: ${components.map((c) => c.name).join(', ')}`);
  return component;
}

async function waitHealthy(component: Component, profile: StackProfile, pid: number): Promise<void> {
  const deadline = Date.now() + component.startTimeoutSeconds * 1_000;
  while (Date.now() < deadline) {
    if (await component.isHealthy(profile)) return;
    if (runningPid(profile, component) !== pid) {
      throw new StartFailedError(
        component.name,
        'the process exited',
        tail(logFile(profile, component.name)),
      );
    }
    await sleep(250);
  }
  throw new StartFailedError(
    component.name,
    `not healthy after ${component.startTimeoutSeconds} s`,
    tail(logFile(profile, component.name)),
  );
}

/** Starts one component unless it already runs; returns whether this call started it. */
async function startComponent(
  component: Component,
  profile: StackProfile,
  log: Log,
  restart: boolean,
): Promise<boolean> {
  const pid = runningPid(profile, component);
  if (pid !== undefined) {
    await waitHealthy(component, profile, pid);
    log(`${component.name}: already running (pid ${pid})`);
    return false;
  }
  const launch = await component.prepare(profile, log, restart);
  const started = Date.now();
  const newPid = startDetached(profile, component.name, launch);
  try {
    await waitHealthy(component, profile, newPid);
  } catch (error) {
    await stopGroup(newPid, 2_000);
    rmSync(pidFile(profile, component.name), { force: true });
    throw error;
  }
  log(
    `${component.name}: up on 127.0.0.1:${component.ports(profile)[0]} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${newPid})`,
  );
  return true;
}

/** Fails before anything starts when a port of a component that is not running is taken. */
async function assertPortsFree(profile: StackProfile, selected: readonly Component[]): Promise<void> {
  for (const component of selected) {
    if (runningPid(profile, component) !== undefined) continue;
    const variables = component.portVariables(profile);
    for (const [index, port] of component.ports(profile).entries()) {
      if (await isPortTaken(port)) throw new PortInUseError(component.name, port, variables[index] ?? '');
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
  const restart = components.some(
    (component) => !only.includes(component) && runningPid(profile, component) !== undefined,
  );
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
    only.map(async (component) => {
      const pid = runningPid(profile, component);
      if (pid === undefined) {
        log(`${component.name}: not running`);
      } else {
        const started = Date.now();
        await stopGroup(pid);
        rmSync(pidFile(profile, component.name), { force: true });
        log(`${component.name}: stopped (pid ${pid}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
      const data = component.dataDir(profile);
      if (options.clean && data !== undefined) {
        rmSync(data, { recursive: true, force: true });
        log(`${component.name}: deleted its data in ${data}`);
      }
    }),
  );
}

/** Whether each component runs and answers. */
export async function status(profile: StackProfile): Promise<ComponentStatus[]> {
  return Promise.all(
    components.map(async (component) => {
      const pid = runningPid(profile, component);
      const healthy = await component.isHealthy(profile);
      return {
        name: component.name,
        running: pid !== undefined,
        healthy,
        pid,
        endpoint: `127.0.0.1:${component.ports(profile)[0]}`,
      };
    }),
  );
}
