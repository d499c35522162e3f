/**
 * Offers in the catalog table, the source of truth search falls back to. Items:
 *
 * - offer       pk `OFFER#<offerId>`, sk `OFFER`; gsi1 `GROUP#<groupId>` / `OFFER#<offerId>` lists a
 *               group's offers (tombstones of removed offers included, with their last version);
 * - membership  pk `KEYWORD#<keyword>`, sk `GROUP#<groupId>#OFFER#<offerId>`, one per keyword of a
 *               listed offer: the groups a keyword finds, without scanning;
 * - keyword     pk `KEYWORDS#<first character>`, sk `<keyword>`: every keyword ever listed, for
 *               autocomplete by prefix when Redis is down.
 *
 * An offer and its memberships change in one transaction, conditional on the version read, so two
 * concurrent writes of one offer cannot both win and the memberships never disagree with the offer.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  GetCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { isListed, type Offer, totalPrice } from '../domain/catalog';
import { dynamoClient, tableName } from './client';

const offerKey = (offerId: string) => ({ pk: `OFFER#${offerId}`, sk: 'OFFER' });
const groupKey = (groupId: string) => `GROUP#${groupId}`;
const membershipKey = (keyword: string, offer: Pick<Offer, 'groupId' | 'offerId'>) => ({
  pk: `KEYWORD#${keyword}`,
  sk: `GROUP#${offer.groupId}#OFFER#${offer.offerId}`,
});
const keywordRegistryKey = (keyword: string) => ({ pk: `KEYWORDS#${Array.from(keyword)[0]}`, sk: keyword });

/** Another write of the same offer committed between our read and our write. */
export class ConcurrentOfferUpdateError extends Error {
  constructor(offerId: string) {
    super(`offer ${offerId} changed while it was being written`);
    this.name = 'ConcurrentOfferUpdateError';
  }
}

function offerItem(offer: Offer): Record<string, unknown> {
  return {
    ...offerKey(offer.offerId),
    gsi1pk: groupKey(offer.groupId),
    gsi1sk: `OFFER#${offer.offerId}`,
    ...offer,
  };
}

function offerFromItem(item: Record<string, unknown>): Offer {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...offer } = item;
  return offer as unknown as Offer;
}

/** The keywords under which the offer is found: all of them while listed, none otherwise. */
function listedKeywords(offer: Offer | undefined): string[] {
  return offer && isListed(offer) ? offer.keywords : [];
}

/** Every item the offer implies, for bulk loading; the transaction of saveOffer writes the same. */
export function offerItems(offer: Offer): Record<string, unknown>[] {
  return [
    offerItem(offer),
    ...listedKeywords(offer).map((keyword) => ({
      ...membershipKey(keyword, offer),
      groupId: offer.groupId,
      offerId: offer.offerId,
      totalPrice: totalPrice(offer),
    })),
    ...offer.keywords.map((keyword) => keywordRegistryKey(keyword)),
  ];
}

export async function findOffer(offerId: string): Promise<Offer | undefined> {
  const { Item } = await dynamoClient().send(
    new GetCommand({ TableName: tableName('catalog'), Key: offerKey(offerId), ConsistentRead: true }),
  );
  return Item ? offerFromItem(Item) : undefined;
}

/**
 * Writes `next` in place of `previous` (the version read before), with its keyword memberships.
 * Throws ConcurrentOfferUpdateError when the stored version is no longer `previous`'s.
 */
export async function saveOffer(next: Offer, previous: Offer | undefined): Promise<void> {
  const table = tableName('catalog');
  const kept = new Set(listedKeywords(next));
  const dropped = listedKeywords(previous).filter((keyword) => !kept.has(keyword));
  const [offer, ...implied] = offerItems(next);
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: offer,
              ...(previous
                ? {
                    ConditionExpression: 'version = :version',
                    ExpressionAttributeValues: { ':version': previous.version },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          ...implied.map((Item) => ({ Put: { TableName: table, Item } })),
          ...dropped.map((keyword) => ({
            Delete: { TableName: table, Key: membershipKey(keyword, next) },
          })),
        ],
      }),
    );
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    ) {
      throw new ConcurrentOfferUpdateError(next.offerId);
    }
    throw error;
  }
}

/** Every offer of a group, listed or not, tombstones included. */
export async function offersOfGroup(groupId: string): Promise<Offer[]> {
  const offers: Offer[] = [];
  const pages = paginateQuery(
    { client: dynamoClient() },
    {
      TableName: tableName('catalog'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :group',
      ExpressionAttributeValues: { ':group': groupKey(groupId) },
    },
  );
  for await (const page of pages) offers.push(...(page.Items ?? []).map(offerFromItem));
  return offers;
}

export interface KeywordGroups {
  /** Groups with a listed offer carrying the keyword, cheapest such offer first (its total price). */
  groups: { groupId: string; lowestTotalPrice: number }[];
  /** False when the keyword has more memberships than were read. */
  complete: boolean;
}

/**
 * The groups a keyword finds, from at most `maxMemberships` of its memberships (one per listed
 * offer carrying it), each with the lowest total of those offers.
 */
export async function groupsForKeyword(keyword: string, maxMemberships: number): Promise<KeywordGroups> {
  const lowest = new Map<string, number>();
  let read = 0;
  let complete = true;
  const pages = paginateQuery(
    { client: dynamoClient(), pageSize: Math.min(maxMemberships, 1_000) },
    {
      TableName: tableName('catalog'),
      KeyConditionExpression: 'pk = :keyword',
      ExpressionAttributeValues: { ':keyword': `KEYWORD#${keyword}` },
      ProjectionExpression: 'groupId, totalPrice',
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const groupId = item.groupId as string;
      const total = Number(item.totalPrice);
      lowest.set(groupId, Math.min(lowest.get(groupId) ?? total, total));
    }
    read += page.Count ?? 0;
    if (page.LastEvaluatedKey && read >= maxMemberships) {
      complete = false;
      break;
    }
  }
  const groups = [...lowest].map(([groupId, lowestTotalPrice]) => ({ groupId, lowestTotalPrice }));
  return { groups: groups.sort((a, b) => a.lowestTotalPrice - b.lowestTotalPrice), complete };
}

/** Known keywords starting with `prefix`, in alphabetical order. */
export async function keywordsWithPrefix(prefix: string, limit: number): Promise<string[]> {
  const { Items = [] } = await dynamoClient().send(
    new QueryCommand({
      TableName: tableName('catalog'),
      KeyConditionExpression: 'pk = :shard AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':shard': keywordRegistryKey(prefix).pk, ':prefix': prefix },
      Limit: limit,
    }),
  );
  return Items.map((item) => item.sk as string);
}

/**
 * Every offer of the catalog, in pages, read by `segments` parallel scans (for rebuilding the
 * cache). Pages of different segments interleave.
 */
export async function* allOffers(segments = 4): AsyncGenerator<Offer[]> {
  const scans = Array.from({ length: segments }, (_, segment) =>
    paginateScan(
      { client: dynamoClient() },
      {
        TableName: tableName('catalog'),
        Segment: segment,
        TotalSegments: segments,
        FilterExpression: 'sk = :offer',
        ExpressionAttributeValues: { ':offer': 'OFFER' },
      },
    )[Symbol.asyncIterator](),
  );
  const pending = new Map(
    scans.map((scan, index) => [index, scan.next().then((result) => ({ index, result }))]),
  );
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(index);
      continue;
    }
    const scan = scans[index];
    if (scan)
      pending.set(
        index,
        scan.next().then((next) => ({ index, result: next })),
      );
    yield (result.value.Items ?? []).map(offerFromItem);
  }
}

/**
 * Writes items in batches of 25, retrying what DynamoDB leaves unprocessed (bulk loads only). Of
 * items with the same key (a keyword shared by many offers), the last is written.
 */
export async function writeItems(all: readonly Record<string, unknown>[]): Promise<void> {
  const table = tableName('catalog');
  const items = [...new Map(all.map((item) => [`${item.pk}\n${item.sk}`, item])).values()];
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt)));
      const { UnprocessedItems } = await dynamoClient().send(
        new BatchWriteCommand({ RequestItems: { [table]: requests } }),
      );
      requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}
