/**
 * A TCP proxy in front of the test stack's Redis that can be made to stop answering, as a frozen
 * Redis node or a network partition looks: connections stay open (and new ones are accepted), but
 * nothing is forwarded in either direction until it resumes, when what waited is delivered in
 * order, as the kernel delivers a stopped process's buffered input. The shared test Redis itself is
 * never paused, so other test files are not disturbed.
 */
import { createServer, type Server, Socket } from 'node:net';

export interface HungRedisProxy {
  port: number;
  /** Stops forwarding: every command sent from now on waits without an answer. */
  hang: () => void;
  /** Forwards again, what waited first. */
  resume: () => void;
  close: () => Promise<void>;
}

export async function hungRedisProxy(target: { host: string; port: number }): Promise<HungRedisProxy> {
  let hung = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    track(client);
    track(upstream);
    upstream.connect(target.port, target.host);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    // After pipe(), which starts the flow.
    if (hung) for (const socket of [client, upstream]) socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  return {
    port: address.port,
    hang: () => {
      hung = true;
      for (const socket of sockets) socket.pause();
    },
    resume: () => {
      hung = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
