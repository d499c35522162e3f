/**
 * npm run bench:flash-sale — a flash sale through HTTP on the offline stack: N buyers (default
 * 2,000) at once for M units (default 100) of one offer, each with its own account, token and
 * Idempotency-Key; one buyer in ten double-clicks (sends the same request twice at once).
 *
 * Prints orders created, units sold, oversell (must be 0), duplicate charges (must be 0), p50/p99
 * latency and the share of 409 "sold out" answers, and orders/s beside the raw DynamoDB Local
 * conditional-write rate (a stock decrement with its condition, nothing else) measured in the
 * same run.
 *
 *   npm run bench:flash-sale -- [--buyers 2000] [--units 100] [--profile dev|test]
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { inParallel } from '../scripts/support/parallel';
import { useProfile } from '../scripts/support/profile';
import { run } from '../scripts/support/run';
import { logger } from '../shared/logger';
import { startOffline } from '../stack/offline';
import { isProfileName, loadProfile, type ProfileName } from '../stack/profiles';

const { values } = parseArgs({
  options: {
    buyers: { type: 'string', default: '2000' },
    units: { type: 'string', default: '100' },
    profile: { type: 'string', default: 'dev' },
  },
});
const buyers = Number(values.buyers);
const units = Number(values.units);
function profileOption(value: string): ProfileName {
  if (!isProfileName(value)) throw new Error('--profile must be dev or test');
  return value;
}
const profileName = profileOption(values.profile);
useProfile(profileName);
process.env.LOG_LEVEL = 'ERROR';
// The logger already exists (run.ts loads the clients): quiet it too.
logger.setLogLevel('ERROR');

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function main(): Promise<void> {
  const { hashPassword } = await import('../shared/auth/password');
  const { issueAccessToken } = await import('../shared/auth');
  const { createMember } = await import('../shared/dynamo/member-store');
  const { upsertOffer } = await import('../shared/catalog/offers');
  const { findOffer } = await import('../shared/dynamo/offer-store');
  const { ordersOfBuyer } = await import('../shared/dynamo/order-store');
  const { dynamoClient, tableName } = await import('../shared/dynamo/client');

  const run = randomUUID().slice(0, 8);
  console.log(`flash sale ${run}: ${buyers} buyers for ${units} units (profile ${profileName})`);
  const passwordHash = await hashPassword(randomUUID());
  const now = new Date().toISOString();
  const accounts = Array.from({ length: buyers }, (_, index) => ({ memberId: `fs-${run}-${index}`, index }));
  await inParallel(accounts, 16, ({ memberId, index }) =>
    createMember({
      memberId,
      email: `buyer-${run}-${index}@example.com`,
      name: 'Buyer',
      birthYear: 1970 + (index % 40),
      gender: index % 2 ? 'female' : 'male',
      region: 'seoul',
      roles: ['member'],
      passwordHash,
      createdAt: now,
      updatedAt: now,
      version: 1,
    }),
  );
  const tokens = await Promise.all(
    accounts.map(({ memberId }) => issueAccessToken({ memberId, roles: ['member'] })),
  );
  const offerId = `flash-${run}`;
  await upsertOffer(`seller-${run}`, offerId, {
    groupId: `flash-${run}`,
    sku: 'FLASH-1',
    title: 'Flash sale item',
    keywords: ['flash sale'],
    category: 'electronics',
    price: 9_900,
    shippingFee: 0,
    stock: units,
    unitCost: 6_000,
    url: 'https://seller.example/flash',
  });

  const api = await startOffline(loadProfile(profileName));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let started = 0;
  let finished = 0;
  try {
    const body = JSON.stringify({
      items: [{ offerId, quantity: 1 }],
      shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '04524', line1: 'Seoul' },
      payment: { method: 'card', cardNumber: '4242424242424242', expiryMonth: 12, expiryYear: 2030 },
    });
    const order = async (index: number, key: string) => {
      const t = performance.now();
      // A buyer whose connection is refused or times out counts as status 0 (no order placed).
      const status = await fetch(`${api.baseUrl}/orders`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens[index]?.token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body,
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );
      latencies.push(performance.now() - t);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    };
    // Warm the function before the sale opens (its first invocation loads it).
    await fetch(`${api.baseUrl}/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[0]?.token}` },
    });
    started = performance.now();
    await Promise.all(
      accounts.flatMap(({ index }) => {
        const key = `flash-${run}-${index}`;
        return index % 10 === 0 ? [order(index, key), order(index, key)] : [order(index, key)];
      }),
    );
    finished = performance.now();
  } finally {
    const errors = api
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":"ERROR"') && !line.includes('kafkajs'));
    const distinct = [...new Set(errors.map((line) => /"message":"([^"]*)"/.exec(line)?.[1] ?? line))];
    if (distinct.length > 0)
      console.log(`function errors (${errors.length}): ${distinct.slice(0, 5).join(' | ')}`);
    await api.stop();
  }

  // What the stores say, not what the answers said.
  const left = (await findOffer(offerId))?.stock ?? Number.NaN;
  const paidOrders: { orderId: string; memberId: string }[] = [];
  for (const { memberId } of accounts) {
    const { orders } = await ordersOfBuyer(memberId, 10);
    for (const placed of orders)
      if (placed.status === 'paid') paidOrders.push({ orderId: placed.orderId, memberId });
  }
  const captured = await Promise.all(
    paidOrders.map(async ({ orderId }) => {
      const { Items } = await dynamoClient().send(
        new QueryCommand({
          TableName: tableName('payments'),
          KeyConditionExpression: 'pk = :payment',
          ExpressionAttributeValues: { ':payment': `PAYMENT#${orderId}` },
        }),
      );
      return (Items ?? []).filter((item) => item.state === 'captured').length;
    }),
  );
  const buyersWithTwo = paidOrders.length - new Set(paidOrders.map((order) => order.memberId)).size;
  const duplicateCharges =
    captured.reduce((sum, count) => sum + count, 0) - paidOrders.length + buyersWithTwo;
  const sold = units - left;
  const sorted = [...latencies].sort((a, b) => a - b);
  const seconds = (finished - started) / 1000;

  // Baseline: the bare conditional write that guards the stock, as fast as DynamoDB Local takes it.
  const counterKey = { pk: `BENCH#${run}`, sk: 'STOCK' };
  await dynamoClient().send(
    new PutCommand({ TableName: tableName('catalog'), Item: { ...counterKey, stock: buyers } }),
  );
  const writeStart = performance.now();
  await inParallel(accounts, 50, () =>
    dynamoClient().send(
      new UpdateCommand({
        TableName: tableName('catalog'),
        Key: counterKey,
        UpdateExpression: 'SET stock = stock - :one',
        ConditionExpression: 'stock >= :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    ),
  );
  const writesPerSecond = buyers / ((performance.now() - writeStart) / 1000);

  const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}: ${count}`);
  const requests = latencies.length;
  const soldOut = statuses.get(409) ?? 0;
  const ordersPerSecond = paidOrders.length / seconds;
  console.log(
    [
      `requests           ${requests} from ${buyers} buyers (${requests - buyers} of them twice) in ${seconds.toFixed(1)} s`,
      `answers            ${answers.join(', ')}`,
      `orders created     ${paidOrders.length}`,
      `units sold         ${sold} of ${units} (stock left ${left})`,
      `oversell           ${Math.max(0, sold - units) + Math.max(0, paidOrders.length - units)} ${sold <= units && paidOrders.length === sold ? '(PASS)' : '(FAIL)'}`,
      `duplicate charges  ${duplicateCharges} ${duplicateCharges === 0 ? '(PASS)' : '(FAIL)'}`,
      `latency            p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p99 ${percentile(sorted, 0.99).toFixed(0)} ms`,
      `409 sold out       ${((soldOut / requests) * 100).toFixed(1)}% of answers`,
      `orders/s           ${ordersPerSecond.toFixed(1)}; raw conditional writes ${writesPerSecond.toFixed(0)}/s (${((ordersPerSecond / writesPerSecond) * 100).toFixed(1)}%)`,
    ].join('\n'),
  );
}

run(main);
