/**
 * GET /health stays quick when a dependency hangs: each check is bounded, so the answer is a 503
 * instead of a request that waits until the function times out. Only an admin learns what is down,
 * where and why; anyone else learns up or down.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { healthReport } from '../../../functions/platform/routes';
import { closeDynamo } from '../../../shared/dynamo/client';
import { closeKafka } from '../../../shared/kafka/client';
import { closeRedis } from '../../../shared/redis/client';

/** A server that accepts connections and never answers, like a dependency stuck under load. */
let silent: Server;
const sockets: Socket[] = [];

beforeAll(async () => {
  // kafkajs reports each failed connection on the console; here they are the expected outcome.
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
  process.env.KAFKA_BROKERS = `127.0.0.1:${port}`;
  process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${port}`;
  process.env.AWS_REGION = 'us-east-1';
  process.env.JWT_SIGNING_KEY = randomBytes(32).toString('base64url');
});

afterAll(async () => {
  await closeRedis();
  closeDynamo();
  // Dropping the connections fails the Kafka client's pending connect, so it closes at once.
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await closeKafka();
});

const event = (headers: Record<string, string> = {}) =>
  ({
    httpMethod: 'GET',
    path: '/health',
    headers,
    requestContext: { requestId: `health-${randomUUID()}`, identity: { sourceIp: '10.1.2.3' } },
  }) as unknown as APIGatewayProxyEvent;

async function health(headers?: Record<string, string>) {
  const { handler } = await import('../../../functions/platform/health');
  const started = Date.now();
  const response = (await handler(event(headers), {
    awsRequestId: 'lambda',
  } as Context)) as APIGatewayProxyResult;
  return { ms: Date.now() - started, response };
}

describe('GET /health with dependencies that do not answer', () => {
  it('answers an admin 503 within the check bound, each dependency down with its endpoint', async () => {
    const { issueAccessToken } = await import('../../../shared/auth');
    const { token } = await issueAccessToken({ memberId: `admin-${randomUUID()}`, roles: ['admin'] });
    const { port } = silent.address() as AddressInfo;
    const { ms, response } = await health({ authorization: `Bearer ${token}` });
    expect(ms).toBeLessThan(3_000);
    expect(response.statusCode).toBe(503);
    const report = healthReport.parse(JSON.parse(response.body));
    expect(report.status).toBe('down');
    for (const dependency of Object.values(report.dependencies ?? {})) {
      expect(dependency).toEqual(
        expect.objectContaining({ status: 'down', endpoint: `127.0.0.1:${port}`, error: expect.any(String) }),
      );
    }
    expect(Object.keys(report.dependencies ?? {})).toEqual(['redis', 'kafka', 'dynamodb']);
  });

  it('tells anyone else only that it is down: no host, port, latency or error', async () => {
    const { port } = silent.address() as AddressInfo;
    const callers: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token' }];
    for (const headers of callers) {
      const { response } = await health(headers);
      expect(response.statusCode).toBe(503);
      expect(JSON.parse(response.body)).toEqual({ status: 'down' });
      expect(response.body).not.toContain(String(port));
    }
  });
});
