/**
 * Orders left "placed" (the function ended after taking the stock, before recording the payment's
 * outcome) are settled by the reconciler on the test stack: paid if the gateway has the payment,
 * failed with the stock back if it never arrived, and a late authorization is then refused. And a
 * cancel that races the payment never leaves a cancelled order charged.
 */
import { randomUUID } from 'node:crypto';
import { upsertOffer } from '../../shared/catalog/offers';
import { orderInputSchema } from '../../shared/domain/order';
import { closeDynamo } from '../../shared/dynamo/client';
import { findOffer } from '../../shared/dynamo/offer-store';
import {
  changeOrder,
  findOrder,
  type Order,
  ordersOfBuyer,
  placeOrder,
} from '../../shared/dynamo/order-store';
import { closeKafka } from '../../shared/kafka/client';
import { checkout } from '../../shared/orders/checkout';
import { cancelOrder } from '../../shared/orders/lifecycle';
import { reconcilePayments, settleAfterMs } from '../../shared/orders/reconcile';
import type { PaymentProvider, PaymentRecord } from '../../shared/payments/provider';
import { sandbox, sandboxCards } from '../../shared/payments/sandbox';
import { closeRedis } from '../../shared/redis/client';
import { offerInput, uniqueToken } from '../support/catalog';
import { storedMember } from '../support/members';
import { testOrder } from '../support/orders';

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
});

/** A buyer and an offer of 4 units at 15,000 won of seller-r. */
async function buyerAndOffer() {
  const memberId = await storedMember();
  const offerId = `o${uniqueToken()}`;
  await upsertOffer(
    'seller-r',
    offerId,
    offerInput({ groupId: `g${uniqueToken()}`, stock: 4, price: 15_000 }),
  );
  return { memberId, offerId };
}

async function strandedOrder(): Promise<Order> {
  const { memberId, offerId } = await buyerAndOffer();
  const order = testOrder([{ offerId, sellerId: 'seller-r', quantity: 3, unitPrice: 15_000 }], { memberId });
  await placeOrder(order, []);
  expect((await findOffer(offerId))?.stock).toBe(1);
  return order;
}

const later = () => new Date(Date.now() + settleAfterMs + 1_000);
const card = { number: sandboxCards.approved, expiryMonth: 12, expiryYear: 2030 };

describe('reconciling payments', () => {
  it('leaves recent orders to the request still working on them', async () => {
    const order = await strandedOrder();
    await reconcilePayments(sandbox, new Date());
    expect((await findOrder(order.orderId))?.status).toBe('placed');
    await reconcilePayments(sandbox, later());
  });

  it('pays an order whose payment reached the gateway', async () => {
    const order = await strandedOrder();
    await sandbox.authorize(order.orderId, order.amounts.total, card);
    await reconcilePayments(sandbox, later());
    expect((await findOrder(order.orderId))?.status).toBe('paid');
    expect((await sandbox.find(order.orderId))?.state).toBe('captured');
    expect((await findOffer(order.items[0]?.offerId ?? ''))?.stock).toBe(1);
  });

  it('fails an order whose payment never arrived, gives the stock back and refuses the payment if it comes late', async () => {
    const order = await strandedOrder();
    await reconcilePayments(sandbox, later());
    expect((await findOrder(order.orderId))?.status).toBe('payment_failed');
    expect((await findOffer(order.items[0]?.offerId ?? ''))?.stock).toBe(4);
    const late = await sandbox.authorize(order.orderId, order.amounts.total, card);
    expect(late.status).toBe('declined');
    // Settled once: a second run finds nothing to do.
    expect(await reconcilePayments(sandbox, later())).toBe(0);
  });
});

/** What the card is charged for the payment: a captured amount not refunded. */
const charged = (payment: PaymentRecord | undefined) =>
  payment?.state === 'captured' ? payment.amount - payment.refunded : 0;

describe('a cancel racing the payment', () => {
  async function buyerOfferAndOrder() {
    const { memberId, offerId } = await buyerAndOffer();
    const input = orderInputSchema.parse({
      items: [{ offerId, quantity: 2 }],
      shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '04524', line1: 'Seoul' },
      payment: { method: 'card', cardNumber: sandboxCards.approved, expiryMonth: 12, expiryYear: 2030 },
    });
    return { memberId, offerId, input };
  }

  /** Checkout with the buyer's cancel landing at `moment` of the payment: after the authorization, or just before the capture. */
  async function raced(moment: 'capture' | 'authorize') {
    const { memberId, offerId, input } = await buyerOfferAndOrder();
    const cancelFirst = (orderId: string) => cancelOrder(memberId, orderId, sandbox);
    const payments: PaymentProvider = {
      ...sandbox,
      async authorize(paymentId, amount, card) {
        const outcome = await sandbox.authorize(paymentId, amount, card);
        if (moment === 'authorize') await cancelFirst(paymentId);
        return outcome;
      },
      async capture(paymentId) {
        if (moment === 'capture') await cancelFirst(paymentId);
        return sandbox.capture(paymentId);
      },
    };
    const answer = await checkout(memberId, `key-${randomUUID()}`, input, { payments }).catch(
      (error: unknown) => error,
    );
    const order = (await ordersOfBuyer(memberId, 1)).orders[0];
    return { answer, order, offerId };
  }

  it.each(['authorize', 'capture'] as const)(
    'voids the payment when the cancel lands at the %s: cancelled, nothing charged, stock back',
    async (moment) => {
      const { answer, order, offerId } = await raced(moment);
      expect(order?.status).toBe('cancelled');
      expect(charged(await sandbox.find(order?.orderId ?? ''))).toBe(0);
      expect((await findOffer(offerId))?.stock).toBe(4);
      expect(answer).toMatchObject({ order: { orderId: order?.orderId, status: 'cancelled' } });
    },
  );

  it('reconciles a cancelled order whose payment could not be released then: voided', async () => {
    const order = await strandedOrder();
    await sandbox.authorize(order.orderId, order.amounts.total, card);
    const gatewayDown: PaymentProvider = {
      ...sandbox,
      void: async () => {
        throw new Error('gateway unreachable');
      },
    };
    await cancelOrder(order.memberId, order.orderId, gatewayDown).catch(() => undefined);
    expect((await findOrder(order.orderId))?.status).toBe('cancelled');
    await reconcilePayments(sandbox, later());
    expect((await sandbox.find(order.orderId))?.state).toBe('voided');
  });

  it('captures the payment of an order paid by a function that ended before capturing it', async () => {
    const order = await strandedOrder();
    await sandbox.authorize(order.orderId, order.amounts.total, card);
    const paid: Order = { ...order, status: 'paid', version: 2 };
    await changeOrder(paid, ['placed'], []);
    await reconcilePayments(sandbox, later());
    expect((await sandbox.find(order.orderId))?.state).toBe('captured');
    // Settled once: the marker is gone.
    expect(await reconcilePayments(sandbox, later())).toBe(0);
  });

  it('settles the other orders when the gateway cannot settle one', async () => {
    // Paid without any payment at the gateway: its capture fails at every run.
    const unpayable = await strandedOrder();
    await changeOrder({ ...unpayable, status: 'paid', version: 2 }, ['placed'], []);
    const order = await strandedOrder();
    await sandbox.authorize(order.orderId, order.amounts.total, card);
    await reconcilePayments(sandbox, later());
    expect((await findOrder(order.orderId))?.status).toBe('paid');
    expect((await sandbox.find(order.orderId))?.state).toBe('captured');
  });
});
