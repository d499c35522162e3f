/**
 * Orders left "placed" (the function ended after taking the stock, before recording the payment's
 * outcome) are settled by the reconciler on the test stack: paid if the gateway has the payment,
 * failed with the stock back if it never arrived, and a late authorization is then refused.
 */
import { randomUUID } from 'node:crypto';
import { upsertOffer } from '../../shared/catalog/offers';
import { closeDynamo } from '../../shared/dynamo/client';
import { findOffer } from '../../shared/dynamo/offer-store';
import { findOrder, type Order, placeOrder } from '../../shared/dynamo/order-store';
import { closeKafka } from '../../shared/kafka/client';
import { reconcilePayments, settleAfterMs } from '../../shared/orders/reconcile';
import { sandbox, sandboxCards } from '../../shared/payments/sandbox';
import { closeRedis } from '../../shared/redis/client';
import { offerInput, uniqueToken } from '../support/catalog';
import { storedMember } from '../support/members';

afterAll(async () => {
  await closeKafka();
  await closeRedis();
  closeDynamo();
});

async function strandedOrder(): Promise<Order> {
  const memberId = await storedMember();
  const now = new Date().toISOString();
  const offerId = `o${uniqueToken()}`;
  await upsertOffer(
    'seller-r',
    offerId,
    offerInput({ groupId: `g${uniqueToken()}`, stock: 4, price: 15_000 }),
  );
  const order: Order = {
    orderId: randomUUID(),
    memberId,
    status: 'placed',
    items: [
      {
        offerId,
        groupId: 'g',
        sellerId: 'seller-r',
        title: 'Test product',
        category: 'test',
        quantity: 3,
        unitPrice: 15_000,
        unitCost: 7_000,
        unitDiscount: 0,
        promotionId: null,
      },
    ],
    amounts: { items: 45_000, discount: 0, shipping: 0, total: 45_000 },
    shippingAddress: { recipient: 'Buyer', phone: '010-1234-5678', postalCode: '04524', line1: 'Seoul' },
    payment: { method: 'card', last4: '4242', refunded: 0 },
    buyer: { ageBand: '30s', gender: 'female', region: 'seoul' },
    placedAt: now,
    updatedAt: now,
    version: 1,
  };
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
