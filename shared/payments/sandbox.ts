/**
 * The sandbox payment gateway: a real gateway's test mode, with its ledger in the `payments`
 * table. Test cards decide the outcome; any other number is refused, as in a test mode:
 *
 * | card number      | outcome                                                            |
 * | ---------------- | ------------------------------------------------------------------ |
 * | 4242424242424242 | approved                                                           |
 * | 4000000000000002 | declined (`card_declined`)                                         |
 * | 4000000000009995 | declined (`insufficient_funds`)                                    |
 * | 4000000000000259 | approved, but the answer comes too late (the caller times out)      |
 * | 4000000000000267 | the request arrives too late: the caller times out, nothing charged |
 *
 * Every call takes a little latency (SANDBOX_LATENCY_MS, 30 ms) and every write is conditional,
 * so a repeated call answers the first outcome and a voided payment can never be authorized after.
 * No card number is stored: only its last four digits.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, tableName } from '../dynamo/client';
import {
  type Authorization,
  type CardDetails,
  type DeclineReason,
  last4,
  type PaymentProvider,
  type PaymentRecord,
  type PaymentState,
  PaymentTimeoutError,
} from './provider';

export const sandboxCards = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  lateAnswer: '4000000000000259',
  lateArrival: '4000000000000267',
} as const;

const latencyMs = 30;
/** How long checkout waits for an answer before it treats the outcome as unknown. */
export const gatewayTimeoutMs = 1_500;
/** How late the sandbox's slow test cards are: well past the caller's timeout. */
const lateByMs = 3_000;

/**
 * Authorizations still on their way to the gateway (the late-arrival card), by payment id. Voiding
 * a payment waits for its arrival, so it lands, and is refused, while the caller still waits:
 * nothing of a request is left to run after its answer.
 */
const onTheirWay = new Map<string, Promise<unknown>>();

const paymentKey = (paymentId: string) => ({ pk: `PAYMENT#${paymentId}`, sk: 'PAYMENT' });
const refundKey = (paymentId: string, refundId: string) => ({
  pk: `PAYMENT#${paymentId}`,
  sk: `REFUND#${refundId}`,
});

function outcomeOf(card: CardDetails, now: Date): DeclineReason | undefined {
  const expired =
    card.expiryYear < now.getUTCFullYear() ||
    (card.expiryYear === now.getUTCFullYear() && card.expiryMonth < now.getUTCMonth() + 1);
  if (expired) return 'expired_card';
  switch (card.number) {
    case sandboxCards.approved:
    case sandboxCards.lateAnswer:
    case sandboxCards.lateArrival:
      return undefined;
    case sandboxCards.declined:
      return 'card_declined';
    case sandboxCards.insufficientFunds:
      return 'insufficient_funds';
    default:
      return 'card_not_supported';
  }
}

function recordFromItem(item: Record<string, unknown>): PaymentRecord {
  return {
    paymentId: String(item.paymentId),
    state: item.state as PaymentState,
    amount: Number(item.amount),
    refunded: Number(item.refunded ?? 0),
    last4: String(item.last4),
    ...(item.declineReason ? { declineReason: item.declineReason as DeclineReason } : {}),
  };
}

function answerOf(record: PaymentRecord): Authorization {
  return record.state === 'declined' || record.state === 'voided'
    ? {
        status: 'declined',
        paymentId: record.paymentId,
        reason: record.declineReason ?? 'voided',
        last4: record.last4,
      }
    : { status: 'authorized', paymentId: record.paymentId, amount: record.amount, last4: record.last4 };
}

/** The gateway's side of an authorization: recorded once, whatever the caller does meanwhile. */
async function record(paymentId: string, amount: number, card: CardDetails): Promise<PaymentRecord> {
  const reason = outcomeOf(card, new Date());
  const item: PaymentRecord & { createdAt: string } = {
    paymentId,
    state: reason ? 'declined' : 'authorized',
    amount,
    refunded: 0,
    last4: last4(card),
    ...(reason ? { declineReason: reason } : {}),
    createdAt: new Date().toISOString(),
  };
  try {
    await dynamoClient().send(
      new PutCommand({
        TableName: tableName('payments'),
        Item: { ...paymentKey(paymentId), ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return item;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await sandbox.find(paymentId);
    if (!existing) throw error;
    return existing;
  }
}

export const sandbox: PaymentProvider = {
  async authorize(paymentId, amount, card) {
    await sleep(latencyMs);
    if (card.number === sandboxCards.lateArrival) {
      // The request reaches the gateway only after the caller gave up.
      const arrival = sleep(lateByMs)
        .then(() => record(paymentId, amount, card))
        .catch(() => undefined)
        .finally(() => onTheirWay.delete(paymentId));
      onTheirWay.set(paymentId, arrival);
      await sleep(gatewayTimeoutMs);
      throw new PaymentTimeoutError(paymentId);
    }
    const recorded = await record(paymentId, amount, card);
    if (card.number === sandboxCards.lateAnswer) {
      // Recorded, but the answer is lost on the way back.
      await sleep(gatewayTimeoutMs);
      throw new PaymentTimeoutError(paymentId);
    }
    return answerOf(recorded);
  },

  async capture(paymentId) {
    await sleep(latencyMs);
    try {
      await dynamoClient().send(
        new UpdateCommand({
          TableName: tableName('payments'),
          Key: paymentKey(paymentId),
          UpdateExpression: 'SET #state = :captured',
          ConditionExpression: '#state IN (:authorized, :captured)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':captured': 'captured', ':authorized': 'authorized' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new Error(`payment ${paymentId} cannot be captured`);
      throw error;
    }
  },

  async refund(paymentId, refundId, amount) {
    await sleep(latencyMs);
    const payment = await this.find(paymentId);
    if (!payment) throw new Error(`payment ${paymentId} does not exist`);
    try {
      await dynamoClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName('payments'),
                Item: { ...refundKey(paymentId, refundId), amount, createdAt: new Date().toISOString() },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tableName('payments'),
                Key: paymentKey(paymentId),
                UpdateExpression: 'SET refunded = refunded + :amount',
                // Never more back than was captured, whatever refunds run at once.
                ConditionExpression: '#state = :captured AND refunded <= :most',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: {
                  ':amount': amount,
                  ':captured': 'captured',
                  ':most': payment.amount - amount,
                },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? error.CancellationReasons : undefined;
      // The same refund again: already done.
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return;
      if (reasons?.[1]?.Code === 'ConditionalCheckFailed')
        throw new Error(`payment ${paymentId} cannot refund ${amount}`);
      throw error;
    }
  },

  async void(paymentId) {
    await sleep(latencyMs);
    const state = await voidPayment(paymentId);
    await onTheirWay.get(paymentId);
    return state;
  },

  async find(paymentId) {
    const { Item } = await dynamoClient().send(
      new GetCommand({ TableName: tableName('payments'), Key: paymentKey(paymentId), ConsistentRead: true }),
    );
    return Item ? recordFromItem(Item) : undefined;
  },
};

/** Voids the payment: a tombstone if it never arrived, else an authorization not captured yet is released. */
async function voidPayment(paymentId: string): Promise<PaymentState> {
  try {
    // A tombstone if the authorization never arrived, so it is refused when it does.
    await dynamoClient().send(
      new PutCommand({
        TableName: tableName('payments'),
        Item: {
          ...paymentKey(paymentId),
          paymentId,
          state: 'voided',
          amount: 0,
          refunded: 0,
          last4: '',
          declineReason: 'voided',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'voided';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: tableName('payments'),
        Key: paymentKey(paymentId),
        UpdateExpression: 'SET #state = :voided',
        ConditionExpression: '#state = :authorized',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':voided': 'voided', ':authorized': 'authorized' },
      }),
    );
    return 'voided';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return (await sandbox.find(paymentId))?.state ?? 'voided';
  }
}
