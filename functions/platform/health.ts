/**
 * GET /health: whether each dependency answers; where it is, how fast and why not only for an
 * admin (a public answer that named hosts and raw errors would map the platform for an attacker).
 */
import { dynamoEndpoint, pingDynamo } from '../../shared/dynamo/client';
import { respond } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { kafkaAdmin, kafkaBrokers } from '../../shared/kafka/client';
import { pingRedis, redisEndpoint } from '../../shared/redis/client';
import { healthRoute } from './routes';

/** A check that takes longer than this counts as down, so a dead dependency never hangs the answer. */
const checkTimeoutMs = 1_500;

async function probe(endpoint: () => string, request: (signal: AbortSignal) => Promise<unknown>) {
  const started = performance.now();
  // A timer of its own rather than AbortSignal.timeout, so that it is cleared with the answer
  // instead of staying pending in a frozen container.
  const controller = new AbortController();
  const { signal } = controller;
  const timer = setTimeout(() => controller.abort(new Error('timed out')), checkTimeoutMs);
  try {
    await Promise.race([
      request(signal),
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('timed out')))),
    ]);
    return { status: 'up' as const, endpoint: endpoint(), latencyMs: elapsed(started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      status: 'down' as const,
      endpoint: safely(endpoint),
      latencyMs: elapsed(started),
      error: message,
    };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 100) / 100;

function safely(endpoint: () => string): string {
  try {
    return endpoint();
  } catch {
    return 'unconfigured';
  }
}

export const handler = authenticatedHttpHandler(healthRoute, async ({ caller }) => {
  const [redis, kafka, dynamodb] = await Promise.all([
    probe(redisEndpoint, () => pingRedis()),
    probe(
      () => kafkaBrokers().join(','),
      async () => (await kafkaAdmin()).describeCluster(),
    ),
    probe(dynamoEndpoint, (signal) => pingDynamo(signal)),
  ]);
  const dependencies = { redis, kafka, dynamodb };
  const allUp = Object.values(dependencies).every((dependency) => dependency.status === 'up');
  const status = allUp ? 'up' : 'down';
  const admin = caller?.roles.includes('admin') ?? false;
  return respond(allUp ? 200 : 503, admin ? { status, dependencies } : { status });
});
