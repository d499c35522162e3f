/**
 * Redis from PATH (installed with apt-get when missing and allowed), on loopback, persisting nothing.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import type { StackProfile } from '../profiles';
import { onPath } from './processes';
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

export const redis: Component = {
  name: 'redis',
  processMarker: 'redis-server',
  startTimeoutSeconds: 15,
  // A cache: it persists nothing, so nothing survives a restart.
  dataDir: () => undefined,
  ports: (profile: StackProfile) => [profile.redisPort],
  portVariables: (profile: StackProfile) => [`PEAKCART_${profile.name.toUpperCase()}_REDIS_PORT`],
  async prepare(profile, log) {
    if (!onPath('redis-server')) installRedis(log);
    return {
      command: 'redis-server',
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(profile.redisPort),
        // Nothing to persist, and the process must not write dump files into the state folder.
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
    };
  },
  isHealthy: (profile) => ping(profile.redisPort),
};
