/**
 * The promotions table. Items:
 *
 * - promotion   pk `PROMOTIONS`, sk `<promotionId>`: every promotion in one partition, so the whole
 *               set (tens, not thousands) is one Query for the cache to load;
 * - usage       pk `USAGE#<promotionId>`, sk `TOTAL` or `MEMBER#<memberId>`: units sold under it,
 *               in all and per member.
 *
 * Usage changes only inside the order transactions of shared/dynamo/order-store.ts, conditional on
 * the promotion's limits, so concurrent buyers can never take more promoted units than allowed.
 * The same transaction checks that the promotion item is still the definition the order was priced
 * with, so one ended or changed meanwhile never discounts an order, whatever a cache still says.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Promotion } from '../domain/promotion';
import { dynamoClient, putIfVersion, tableName } from './client';

const promotionsPartition = 'PROMOTIONS';
const promotionKey = (promotionId: string) => ({ pk: promotionsPartition, sk: promotionId });
const usageKey = (promotionId: string, memberId?: string) => ({
  pk: `USAGE#${promotionId}`,
  sk: memberId === undefined ? 'TOTAL' : `MEMBER#${memberId}`,
});

/** Another write of the same promotion committed between our read and our write. */
export class ConcurrentPromotionUpdateError extends Error {
  constructor(promotionId: string) {
    super(`promotion ${promotionId} changed while it was being written`);
    this.name = 'ConcurrentPromotionUpdateError';
  }
}

function promotionFromItem(item: Record<string, unknown>): Promotion {
  const { pk: _pk, sk: _sk, ...promotion } = item;
  return promotion as unknown as Promotion;
}

export async function findPromotion(promotionId: string): Promise<Promotion | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({
      TableName: tableName('promotions'),
      Key: promotionKey(promotionId),
      ConsistentRead: true,
    }),
  );
  return Item ? promotionFromItem(Item) : undefined;
}

/**
 * Every promotion, in id order. A strongly consistent read: the set is cached for minutes, so a
 * replica that has not seen an admin's change yet must not be the one that fills the cache.
 */
export async function listPromotions(): Promise<Promotion[]> {
  const promotions: Promotion[] = [];
  const pages = paginateQuery(
    { client: dynamoClient() },
    {
      TableName: tableName('promotions'),
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :all',
      ExpressionAttributeValues: { ':all': promotionsPartition },
    },
  );
  for await (const page of pages) promotions.push(...(page.Items ?? []).map(promotionFromItem));
  return promotions;
}

/** Writes the promotion if the stored one is still `previous` (or absent when undefined). */
export async function savePromotion(next: Promotion, previous: Promotion | undefined): Promise<void> {
  await putIfVersion(
    'promotions',
    { ...promotionKey(next.promotionId), ...next },
    previous?.version,
    () => new ConcurrentPromotionUpdateError(next.promotionId),
  );
}

/** Deletes the promotion; its usage stays, for the orders that were sold under it. */
export async function deletePromotion(promotionId: string): Promise<void> {
  await dynamoClient().send(
    new DeleteCommand({ TableName: tableName('promotions'), Key: promotionKey(promotionId) }),
  );
}

export interface PromotionUsage {
  /** Units sold under the promotion, in all. */
  total: number;
  /** Units the member bought under it. */
  member: number;
}

/** Units sold under each promotion, in all and (when named) to the member, in one batch read. */
export async function usageOf(
  promotionIds: readonly string[],
  memberId?: string,
): Promise<Map<string, PromotionUsage>> {
  const usage = new Map(promotionIds.map((id) => [id, { total: 0, member: 0 }]));
  const table = tableName('promotions');
  const pending: Record<string, unknown>[] = promotionIds.flatMap((id) =>
    memberId === undefined ? [usageKey(id)] : [usageKey(id), usageKey(id, memberId)],
  );
  while (pending.length > 0) {
    const page = await dynamoClient().send(
      new BatchGetCommand({
        RequestItems: { [table]: { Keys: pending.splice(0, 100), ConsistentRead: true } },
      }),
    );
    for (const item of page.Responses?.[table] ?? []) {
      const entry = usage.get(String(item.pk).slice('USAGE#'.length));
      if (!entry) continue;
      if (item.sk === 'TOTAL') entry.total = Number(item.used ?? 0);
      else entry.member = Number(item.used ?? 0);
    }
    pending.push(...(page.UnprocessedKeys?.[table]?.Keys ?? []));
  }
  return usage;
}

/**
 * Promoted units of one promotion in one order, with the limits they must stay within and the
 * definition (version and creation) the order was priced with.
 */
export interface PromotionUse {
  promotionId: string;
  memberId: string;
  units: number;
  limits: Promotion['limits'];
  pricedWith: Pick<Promotion, 'version' | 'createdAt'>;
}

/**
 * The transaction items of one promotion in an order: a check that the promotion is still the
 * definition priced with (not ended, not changed: its schedule and window were read from that
 * definition at the order's instant), then the units counted against it, in all and for the member,
 * each conditional on its limit. The whole order fails if any of the three does.
 * A promotion ended and created again starts at version 1 anew, hence createdAt too.
 */
export function takePromotionUnits(use: PromotionUse) {
  const unchanged = {
    ConditionCheck: {
      TableName: tableName('promotions'),
      Key: promotionKey(use.promotionId),
      ConditionExpression: 'version = :version AND createdAt = :createdAt',
      ExpressionAttributeValues: {
        ':version': use.pricedWith.version,
        ':createdAt': use.pricedWith.createdAt,
      },
    },
  };
  const take = (key: ReturnType<typeof usageKey>, limit: number | undefined) => ({
    Update: {
      TableName: tableName('promotions'),
      Key: key,
      UpdateExpression: 'ADD used :units',
      ...(limit !== undefined && {
        ConditionExpression: 'attribute_not_exists(used) OR used <= :most',
      }),
      ExpressionAttributeValues: {
        ':units': use.units,
        ...(limit !== undefined && { ':most': limit - use.units }),
      },
    },
  });
  return [
    unchanged,
    take(usageKey(use.promotionId), use.limits.totalUnits),
    take(usageKey(use.promotionId, use.memberId), use.limits.perMemberUnits),
  ];
}

/** The transaction items that give the units back (a failed payment, a cancellation, a return). */
export function giveBackPromotionUnits(use: Pick<PromotionUse, 'promotionId' | 'memberId' | 'units'>) {
  return [usageKey(use.promotionId), usageKey(use.promotionId, use.memberId)].map((key) => ({
    Update: {
      TableName: tableName('promotions'),
      Key: key,
      UpdateExpression: 'ADD used :units',
      ExpressionAttributeValues: { ':units': -use.units },
    },
  }));
}
