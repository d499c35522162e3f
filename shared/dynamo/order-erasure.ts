/**
 * Erasing orders' personal fields (the shipping address) once the rule of
 * shared/domain/order-erasure.ts says so, by the scheduled `checkout-erasure` function.
 *
 * Items in the orders table:
 * - due marker: pk `ERASE-DUE#<shard>`, sk `<due>#<orderId>`, with `rule` (`retention` or
 *   `withdrawal`). Written with every change that leaves an order finished, in its transaction.
 *   When it comes due the order is read again: if it is still due under the rule, the address is
 *   removed and the marker deleted in one transaction, conditional on the order's version (the
 *   erasure moves the version on, so a change read before it fails and is retried); a marker the
 *   order has moved past (e.g. a return requested after delivery) is deleted.
 * - withdrawn buyer: pk `ERASE-MEMBER#<shard>`, sk `<withdrawnAt>#<memberId>`, written in the
 *   withdrawal's transaction. The sweep goes through the buyer's orders a page per run (`after`
 *   keeps its place), erasing at once what the withdrawal rule says is due and writing withdrawal
 *   markers for delivered orders still in their return window; then it deletes the item.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { erasureDueAt } from '../domain/order-erasure';
import { dynamoClient, tableName } from './client';
import { findOrder, markersBefore, type Order, orderKey, ordersOfBuyer, transact } from './order-store';

const shards = 4;
type Rule = 'retention' | 'withdrawal';

const shardOf = (id: string) => id.charCodeAt(0) % shards;
const dueKey = (orderId: string, due: Date) => ({
  pk: `ERASE-DUE#${shardOf(orderId)}`,
  sk: `${due.toISOString()}#${orderId}`,
});
const withdrawnKey = (memberId: string, withdrawnAt: string) => ({
  pk: `ERASE-MEMBER#${shardOf(memberId)}`,
  sk: `${withdrawnAt}#${memberId}`,
});

const markerPut = (order: Pick<Order, 'orderId'>, due: Date, rule: Rule) => ({
  Put: {
    TableName: tableName('orders'),
    Item: { ...dueKey(order.orderId, due), orderId: order.orderId, rule },
  },
});

/** The due marker of an order a change leaves finished, for that change's transaction. */
export function erasureMarkers(order: Order) {
  const due = order.shippingAddress ? erasureDueAt(order) : undefined;
  return due ? [markerPut(order, due, 'retention')] : [];
}

/** The item that has the sweep go through a withdrawn buyer's orders, for the withdrawal's transaction. */
export function withdrawnBuyerPut(memberId: string, withdrawnAt: string) {
  return {
    Put: { TableName: tableName('orders'), Item: { ...withdrawnKey(memberId, withdrawnAt), memberId } },
  };
}

/** Removes the order's address, conditional on its version; false if it changed meanwhile. */
async function eraseOrder(order: Order, now: Date, marker?: Record<string, unknown>): Promise<boolean> {
  try {
    await transact({
      TransactItems: [
        {
          Update: {
            TableName: tableName('orders'),
            Key: orderKey(order.orderId),
            UpdateExpression: 'SET personalDataErasedAt = :now, version = :next REMOVE shippingAddress',
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: {
              ':now': now.toISOString(),
              ':next': order.version + 1,
              ':version': order.version,
            },
          },
        },
        ...(marker ? [{ Delete: { TableName: tableName('orders'), Key: marker } }] : []),
      ],
    });
    return true;
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      return false;
    throw error;
  }
}

async function deleteItem(key: Record<string, unknown>): Promise<void> {
  await dynamoClient().send(new DeleteCommand({ TableName: tableName('orders'), Key: key }));
}

/** One due marker: erase if still due, forget it if the order moved past it. */
async function settleMarker(item: Record<string, unknown>, now: Date): Promise<boolean> {
  const key = { pk: item.pk, sk: item.sk };
  const order = await findOrder(String(item.orderId));
  if (!order?.shippingAddress) {
    await deleteItem(key);
    return false;
  }
  const due = erasureDueAt(order, item.rule === 'withdrawal');
  if (!due || due > now) {
    // A later change wrote its own marker if the order is finished again.
    await deleteItem(key);
    return false;
  }
  // A change since it was read: the marker stays and the next run reads the order again.
  return eraseOrder(order, now, key);
}

/** A page of a withdrawn buyer's orders: what is due goes now, what comes due later gets a marker. */
async function sweepWithdrawnBuyer(
  item: Record<string, unknown>,
  now: Date,
  pageSize: number,
): Promise<number> {
  const key = { pk: item.pk, sk: item.sk };
  const page = await ordersOfBuyer(String(item.memberId), pageSize, item.after as Record<string, unknown>);
  let erased = 0;
  for (const order of page.orders) {
    const due = order.shippingAddress ? erasureDueAt(order, true) : undefined;
    if (!due) continue;
    if (due <= now && (await eraseOrder(order, now))) {
      erased += 1;
      continue;
    }
    // Due later, or the order changed meanwhile: a marker has it looked at again.
    await dynamoClient().send(new PutCommand(markerPut(order, due <= now ? now : due, 'withdrawal').Put));
  }
  if (page.next) {
    await dynamoClient()
      .send(
        new UpdateCommand({
          TableName: tableName('orders'),
          Key: key,
          UpdateExpression: 'SET #after = :after',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#after': 'after' },
          ExpressionAttributeValues: { ':after': page.next },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  } else {
    await deleteItem(key);
  }
  return erased;
}

/**
 * One bounded run: per shard, at most `buyers` withdrawn buyers (a page of `pageSize` of their
 * orders each) and `markers` due markers. Answers how many orders had their address erased.
 */
export async function erasePersonalData(
  now = new Date(),
  { buyers = 5, markers = 100, pageSize = 100 } = {},
): Promise<number> {
  let erased = 0;
  for (const item of await markersBefore('ERASE-MEMBER', shards, now.toISOString(), buyers)) {
    erased += await sweepWithdrawnBuyer(item, now, pageSize);
  }
  // `$` sorts after every `<due>#` of an instant up to now.
  for (const item of await markersBefore('ERASE-DUE', shards, `${now.toISOString()}$`, markers)) {
    if (await settleMarker(item, now)) erased += 1;
  }
  return erased;
}
