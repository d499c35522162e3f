/**
 * Redis from PATH (installed with apt-get when missing and allowed), on loopback, persisting nothing.
 * On a profile with several nodes, that many Redis Cluster primaries (no replicas), joined with
 * `redis-cli --cluster create`, which hands each a third of the 16384 slots.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { redisPorts, type StackProfile } from '../profiles';
import { onPath, runCommand } from './processes';
import { type Component, MissingToolError } from './types';

function installRedis(log: (line: string) => void): void {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !onPath('apt-get')) {
    throw new MissingToolError('redis-server', 'Install Redis (Debian: apt-get install -y redis-server).');
  }
  // Runs in the foreground on purpose: the user sees apt-get's own output before anything starts.
  const apt = (args: string[]) => {
    log(`redis: redis-server not found, running: apt-get ${args.join(' ')}`);
    return spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status;
  };
  const install = ['install', '-y', '-q', 'redis-server'];
  if (apt(install) === 0) return;
  // A fresh machine may have no package lists yet.
  apt(['update', '-q']);
  if (apt(install) !== 0) throw new Error('apt-get could not install redis-server');
}

/** PING over a raw socket: healthy only when the server answers +PONG. */
function ping(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (healthy: boolean) => {
      socket.destroy();
      resolve(healthy);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

const isCluster = (profile: StackProfile) => profile.nodes > 1;
/** Where the nodes of a cluster keep their cluster configuration (nodes-<port>.conf). */
const clusterDir = (profile: StackProfile) => path.join(profile.stateDir, 'redis-cluster');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `CLUSTER INFO` of a node as fields, or undefined when it does not answer. */
async function clusterInfo(port: number): Promise<Record<string, string> | undefined> {
  try {
    const text = await runCommand(
      'redis: CLUSTER INFO',
      'redis-cli',
      ['-p', String(port), 'cluster', 'info'],
      2_000,
    );
    return Object.fromEntries(
      text
        .split('\n')
        .map((line) => line.trim().split(':'))
        .filter((pair): pair is [string, string] => pair.length === 2),
    );
  } catch {
    return undefined;
  }
}

/** Every node answers, sees all the others and every slot served. */
async function clusterHealthy(profile: StackProfile): Promise<boolean> {
  const infos = await Promise.all(redisPorts(profile).map(clusterInfo));
  return infos.every(
    (info) => info?.cluster_state === 'ok' && Number(info.cluster_known_nodes) === profile.nodes,
  );
}

export const redis: Component = {
  name: 'redis',
  processMarker: 'redis-server',
  clustered: true,
  startTimeoutSeconds: 15,
  // A cache: it persists nothing, so nothing survives a restart.
  dataDirs: () => [],
  ports: (profile: StackProfile) => redisPorts(profile),
  portVariables: (profile: StackProfile) =>
    redisPorts(profile).map(() => `PEAKCART_${profile.name.toUpperCase()}_REDIS_PORT`),
  async prepare(profile, nodes, log, restart) {
    if (!onPath('redis-server')) installRedis(log);
    if (isCluster(profile)) {
      // A cluster formed anew forgets the last one; a node restarted alone rejoins its cluster.
      if (!restart) rmSync(clusterDir(profile), { recursive: true, force: true });
      mkdirSync(clusterDir(profile), { recursive: true });
    }
    const ports = redisPorts(profile);
    return nodes.map((node) => {
      const port = String(ports[node.index]);
      const cluster = isCluster(profile)
        ? [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            `nodes-${port}.conf`,
            '--dir',
            clusterDir(profile),
          ]
        : [];
      return {
        command: 'redis-server',
        args: [
          '--bind',
          '127.0.0.1',
          '--port',
          port,
          // Nothing to persist, and the process must not write dump files into the state folder.
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
          ...cluster,
        ],
      };
    });
  },
  async form(profile, log) {
    if (!isCluster(profile)) return;
    const ports = redisPorts(profile);
    const deadline = Date.now() + redis.startTimeoutSeconds * 1_000;
    while (!(await Promise.all(ports.map((port) => ping(port)))).every(Boolean)) {
      if (Date.now() > deadline) return;
      await sleep(100);
    }
    // Nodes that serve slots already are a cluster (a node restarted alone rejoins it by itself).
    const infos = await Promise.all(ports.map(clusterInfo));
    if (infos.some((info) => Number(info?.cluster_slots_assigned ?? 0) > 0)) return;
    await runCommand(
      'redis: could not create the cluster',
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `${profile.host}:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      30_000,
    );
    log(`redis: formed a cluster of ${ports.length} primaries on ports ${ports.join(', ')}`);
  },
  isHealthy: (profile) => (isCluster(profile) ? clusterHealthy(profile) : ping(profile.redisPort)),
};
