/**
 * The campaigns table. Items:
 *
 * - campaign          pk `CAMPAIGNS`, sk `<campaignId>`: every campaign in one partition, so the
 *                     whole set is one Query for serving's Redis copy to load (a seller's own are
 *                     the same Query filtered on sellerId);
 * - seller suspension pk `SUSPENDED-SELLERS`, sk `<sellerId>`, `suspended`: an admin suspended
 *                     (or reinstated) all of the seller's campaigns;
 * - spend             pk `SPEND#<day>`, sk `<campaignId>`, `spentWon`: what the campaign's clicks
 *                     cost on that marketplace day, the durable copy of Redis's counter (expires
 *                     after a few days).
 */
import { GetCommand, PutCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign } from '../domain/ads';
import { dynamoClient, putIfVersion, tableName } from './client';

const campaignsPartition = 'CAMPAIGNS';
const suspendedPartition = 'SUSPENDED-SELLERS';
const campaignKey = (campaignId: string) => ({ pk: campaignsPartition, sk: campaignId });
const spendKey = (day: string, campaignId: string) => ({ pk: `SPEND#${day}`, sk: campaignId });
/** A day's spend is needed that day only; kept a little longer for inspection. */
const keepSpendDays = 3;

/** Another write of the same campaign committed between our read and our write. */
export class ConcurrentCampaignUpdateError extends Error {
  constructor(campaignId: string) {
    super(`campaign ${campaignId} changed while it was being written`);
    this.name = 'ConcurrentCampaignUpdateError';
  }
}

function campaignFromItem(item: Record<string, unknown>): Campaign {
  const { pk: _pk, sk: _sk, ...campaign } = item;
  return campaign as unknown as Campaign;
}

export async function findCampaign(campaignId: string): Promise<Campaign | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tableName('campaigns'), Key: campaignKey(campaignId), ConsistentRead: true }),
  );
  return Item ? campaignFromItem(Item) : undefined;
}

async function queryAll(partition: string, sellerId?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: dynamoClient() },
    {
      TableName: tableName('campaigns'),
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :partition',
      ...(sellerId === undefined
        ? { ExpressionAttributeValues: { ':partition': partition } }
        : {
            FilterExpression: 'sellerId = :seller',
            ExpressionAttributeValues: { ':partition': partition, ':seller': sellerId },
          }),
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}

/** Every campaign (or the seller's), in id order; strongly consistent, as it fills serving's copy. */
export async function listCampaigns(sellerId?: string): Promise<Campaign[]> {
  return (await queryAll(campaignsPartition, sellerId)).map(campaignFromItem);
}

/** Writes the campaign if the stored one is still `previous` (or absent when undefined). */
export async function saveCampaign(next: Campaign, previous: Campaign | undefined): Promise<void> {
  await putIfVersion(
    'campaigns',
    { ...campaignKey(next.campaignId), ...next },
    previous?.version,
    () => new ConcurrentCampaignUpdateError(next.campaignId),
  );
}

/** A seller's campaigns suspended or reinstated as a whole, with when. */
export interface SellerSuspension {
  sellerId: string;
  suspended: boolean;
  changedAt: string;
}

/** Every seller an admin ever suspended, with whether it still is. */
export async function listSellerSuspensions(): Promise<SellerSuspension[]> {
  return (await queryAll(suspendedPartition)).map((item) => ({
    sellerId: String(item.sk),
    suspended: item.suspended === true,
    changedAt: String(item.changedAt),
  }));
}

export async function isSellerSuspended(sellerId: string): Promise<boolean> {
  const { Item } = await dynamoClient().send(
    new GetCommand({
      TableName: tableName('campaigns'),
      Key: { pk: suspendedPartition, sk: sellerId },
      ConsistentRead: true,
    }),
  );
  return Item?.suspended === true;
}

/** Kept when reinstated too, so that a reload of serving's copy reinstates as well. */
export async function saveSellerSuspension(suspension: SellerSuspension): Promise<void> {
  await dynamoClient().send(
    new PutCommand({
      TableName: tableName('campaigns'),
      Item: {
        pk: suspendedPartition,
        sk: suspension.sellerId,
        suspended: suspension.suspended,
        changedAt: suspension.changedAt,
      },
    }),
  );
}

/** Adds a charged click to the campaign's durable spend of the day; answers the new total. */
export async function addSpend(day: string, campaignId: string, won: number, now: Date): Promise<number> {
  const { Attributes } = await dynamoClient().send(
    new UpdateCommand({
      TableName: tableName('campaigns'),
      Key: spendKey(day, campaignId),
      UpdateExpression: 'ADD spentWon :won SET expiresAt = if_not_exists(expiresAt, :expires)',
      ExpressionAttributeValues: {
        ':won': won,
        ':expires': Math.floor(now.getTime() / 1000) + keepSpendDays * 86_400,
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.spentWon ?? 0);
}

/** The durable spend of every campaign that spent on the day. */
export async function spendOfDay(day: string): Promise<Map<string, number>> {
  const items = await queryAll(`SPEND#${day}`);
  return new Map(items.map((item) => [String(item.sk), Number(item.spentWon ?? 0)]));
}

/** The durable spend of one campaign on the day (0 when none). */
export async function spendOf(day: string, campaignId: string): Promise<number> {
  const { Item } = await dynamoClient().send(
    new GetCommand({
      TableName: tableName('campaigns'),
      Key: spendKey(day, campaignId),
      ConsistentRead: true,
    }),
  );
  return Number(Item?.spentWon ?? 0);
}
