/**
 * The HTTP baseline of bench:search, run in a process of its own as the runtime's containers are:
 * a bare node:http server answering `GET /search?q=<keyword>` with the bare Redis reads, on a free
 * loopback port it reports to its parent (forked with an IPC channel). It ends with its parent.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectBareSearch } from './bare-search';

async function main(): Promise<void> {
  const bare = await connectBareSearch(process.env.REDIS_URL ?? '');
  const server = createServer((request, response) => {
    const keyword = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('q') ?? '';
    bare.search(keyword).then(
      (body) => response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body),
      () => response.writeHead(500).end(),
    );
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
