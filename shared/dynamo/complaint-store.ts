/**
 * The sellers table, complaints part: a buyer's complaint about an offer of one of its orders.
 *
 * Item: pk `COMPLAINT#<orderId>`, sk `<offerId>` (one per order line, by construction), with the
 * seller, the kind, the detail and when; `memberId`, `gsi1pk` `COMPLAINANT#<memberId>` and `gsi1sk`
 * (when) name the buyer until the buyer withdraws. The complaint is put, conditional on the line
 * having none, in one transaction with its count in the seller's day counters
 * (standing-store.ts), so a complaint counts exactly once.
 *
 * A withdrawn buyer's complaints keep what counts (seller, offer, kind, when) and lose who made
 * them and what they wrote: `memberId`, the index keys and `detail` are removed.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ComplaintKind, complaintField, standingDay } from '../domain/seller-standing';
import { dynamoClient, tableName } from './client';
import { standingCounterUpdate } from './standing-store';

export class ComplaintExistsError extends Error {
  constructor() {
    super('This order line already has a complaint');
    this.name = 'ComplaintExistsError';
  }
}

export interface Complaint {
  orderId: string;
  offerId: string;
  sellerId: string;
  memberId: string;
  kind: ComplaintKind;
  detail: string;
  createdAt: string;
}

const table = () => tableName('sellers');
const complaintKey = (orderId: string, offerId: string) => ({ pk: `COMPLAINT#${orderId}`, sk: offerId });
const complainantPk = (memberId: string) => `COMPLAINANT#${memberId}`;

/** Stores the complaint and counts it into the seller's standing; ComplaintExistsError for a second one. */
export async function putComplaint(complaint: Complaint): Promise<void> {
  const atMs = Date.parse(complaint.createdAt);
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: {
                ...complaintKey(complaint.orderId, complaint.offerId),
                ...complaint,
                gsi1pk: complainantPk(complaint.memberId),
                gsi1sk: complaint.createdAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          standingCounterUpdate({
            sellerId: complaint.sellerId,
            day: standingDay(atMs),
            atMs,
            fields: { complaints: 1, [complaintField(complaint.kind)]: 1 },
          }),
        ],
      }),
    );
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    )
      throw new ComplaintExistsError();
    throw error;
  }
}

/** Removes who made them and what they wrote from a withdrawn member's complaints; how many. */
export async function eraseComplainant(memberId: string, erasedAt: string): Promise<number> {
  let erased = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': complainantPk(memberId) },
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const { pk, sk } of page.Items ?? []) {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: table(),
          Key: { pk, sk },
          UpdateExpression: 'REMOVE memberId, gsi1pk, gsi1sk, detail SET erasedAt = :at',
          ExpressionAttributeValues: { ':at': erasedAt },
        }),
      );
      erased++;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return erased;
}
