/**
 * Withdrawal and the erasure of orders' personal fields against the real DynamoDB Local and
 * Kafka: a withdrawal with Kafka down is stored and announced once Kafka is back, through the
 * outbox; the withdrawn buyer's finished orders lose their address at once, delivered ones after
 * the return window, orders still under way keep theirs; everyone's finished orders lose it after
 * the retention period, keeping lines and amounts.
 */
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderStatus } from '../../shared/domain/order';
import { personalDataRetentionDays, returnWindowDays } from '../../shared/domain/order-erasure';
import { closeDynamo, dynamoClient, tableName } from '../../shared/dynamo/client';
import { findMember } from '../../shared/dynamo/member-store';
import { erasePersonalData } from '../../shared/dynamo/order-erasure';
import { changeOrder, findOrder, type Order, placeOrder } from '../../shared/dynamo/order-store';
import { closeKafka } from '../../shared/kafka/client';
import { withdraw } from '../../shared/members/accounts';
import { relayPending, type StoredEntry } from '../../shared/outbox/outbox';
import { closeRedis } from '../../shared/redis/client';
import { kafka as kafkaComponent } from '../../stack/components/kafka';
import { loadProfile } from '../../stack/profiles';
import { down, up } from '../../stack/stack';
import { eventually } from '../support/kafka';
import { storedMember } from '../support/members';
import { testOrder } from '../support/orders';

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
});

const dayMs = 86_400_000;
const address = { recipient: 'Kim Minji', phone: '010-9876-5432', postalCode: '04524', line1: 'Seoul 1' };

/** A paid order of the member, moved on through `path`, its changes made `daysAgo` days ago. */
async function orderOf(memberId: string, path: OrderStatus[], daysAgo = 0): Promise<Order> {
  const at = new Date(Date.now() - daysAgo * dayMs).toISOString();
  let order = testOrder(
    [{ offerId: `o-${randomUUID()}`, sellerId: 'seller-e', quantity: 1, unitPrice: 20_000 }],
    {
      memberId,
      shippingAddress: address,
      placedAt: at,
      updatedAt: at,
    },
  );
  // No stock taken: the lines name no offer of the catalog.
  await placeOrder({ ...order, items: [] }, []);
  order = { ...order, status: 'paid', version: 2 };
  await changeOrder(order, ['placed'], []);
  for (const status of path) {
    const from = order.status;
    order = { ...order, status, version: order.version + 1 };
    await changeOrder(order, [from], []);
  }
  return order;
}

/** Runs the sweep at `now` until it has nothing more to do for these orders (other tests' markers come first). */
async function sweep(now: Date, orders: Order[], erased: (order: Order | undefined) => boolean) {
  for (let run = 0; run < 50; run += 1) {
    await erasePersonalData(now);
    const current = await Promise.all(orders.map((order) => findOrder(order.orderId)));
    if (current.every(erased)) return;
  }
}

const hasNoAddress = (order: Order | undefined) => order !== undefined && order.shippingAddress === undefined;

async function outboxEntriesOf(memberId: string): Promise<StoredEntry[]> {
  const items: StoredEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new ScanCommand({
        TableName: tableName('outbox'),
        FilterExpression: '#event.#data.memberId = :member',
        ExpressionAttributeNames: { '#event': 'event', '#data': 'data' },
        ExpressionAttributeValues: { ':member': memberId },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...((page.Items ?? []) as StoredEntry[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('withdrawal', () => {
  it('is stored and announced through the outbox while Kafka is down, and erases the orders it may', async () => {
    const memberId = await storedMember();
    const cancelled = await orderOf(memberId, ['cancelled']);
    const delivered = await orderOf(memberId, ['shipped', 'delivered'], 3);
    const underWay = await orderOf(memberId, ['shipped']);

    const profile = loadProfile('test');
    await down(profile, () => undefined, [kafkaComponent]);
    try {
      await withdraw(memberId);
    } finally {
      await up(profile, () => undefined, [kafkaComponent]);
    }
    expect(await findMember(memberId)).toMatchObject({ memberId, status: 'withdrawn' });
    const [announced] = await outboxEntriesOf(memberId);
    expect(announced).toMatchObject({
      topicKey: 'memberEvents',
      event: { type: 'MemberWithdrawn', data: { memberId } },
    });
    expect(announced?.sentAt).toBeUndefined();
    // The scheduled relay sends it once Kafka is back.
    await eventually(
      'the withdrawal sent',
      async () => {
        await relayPending();
        const [entry] = await outboxEntriesOf(memberId);
        return entry?.sentAt ? true : undefined;
      },
      60_000,
    );

    const now = new Date();
    await sweep(now, [cancelled], hasNoAddress);
    const erased = await findOrder(cancelled.orderId);
    expect(erased).not.toHaveProperty('shippingAddress');
    expect(erased).toMatchObject({
      personalDataErasedAt: expect.any(String),
      amounts: cancelled.amounts,
      items: cancelled.items,
      memberId,
    });
    expect(JSON.stringify(erased)).not.toContain(address.phone);
    expect((await findOrder(delivered.orderId))?.shippingAddress).toEqual(address);
    // The delivered order once its return window has passed; the one under way keeps its address.
    const afterWindow = new Date(now.getTime() + (returnWindowDays - 3) * dayMs + 60_000);
    await sweep(afterWindow, [delivered], hasNoAddress);
    expect(await findOrder(delivered.orderId)).not.toHaveProperty('shippingAddress');
    expect((await findOrder(underWay.orderId))?.shippingAddress).toEqual(address);
  }, 180_000);
});

describe('retention', () => {
  it("erases a finished order's address after the retention period, and not before", async () => {
    const memberId = await storedMember();
    const returned = await orderOf(memberId, ['shipped', 'delivered', 'return_requested', 'returned']);
    const now = new Date();
    await erasePersonalData(now);
    expect((await findOrder(returned.orderId))?.shippingAddress).toEqual(address);

    const later = new Date(now.getTime() + personalDataRetentionDays * dayMs + 60_000);
    await sweep(later, [returned], hasNoAddress);
    expect(await findOrder(returned.orderId)).toMatchObject({
      status: 'returned',
      amounts: returned.amounts,
      version: returned.version + 1,
    });
    expect(await findOrder(returned.orderId)).not.toHaveProperty('shippingAddress');
  });

  it('keeps the address of an order that moved on since it was delivered', async () => {
    const memberId = await storedMember();
    const order = await orderOf(memberId, ['shipped', 'delivered', 'return_requested']);
    const later = new Date(Date.now() + personalDataRetentionDays * dayMs + 60_000);
    for (let run = 0; run < 5; run += 1) await erasePersonalData(later);
    expect((await findOrder(order.orderId))?.shippingAddress).toEqual(address);
  });
});
