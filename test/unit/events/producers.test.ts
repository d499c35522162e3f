/**
 * The schemas accept exactly what the code produces: every event type built by its producer's own
 * functions passes its topic's check, and a producer refuses an event its topic does not accept.
 */
import { offerEvent } from '../../../shared/catalog/offers';
import { keywordSchema, nextOffer, removedOffer } from '../../../shared/domain/catalog';
import { ageBand, demographicsOf } from '../../../shared/domain/member';
import { priceOrder } from '../../../shared/domain/order';
import type { Order } from '../../../shared/dynamo/order-store';
import {
  checkEvent,
  type EventTopicKey,
  eventTopicKeys,
  eventTopics,
  InvalidEventError,
  orderEventTypes,
  topicKeyOf,
} from '../../../shared/events';
import { type DomainEvent, domainEvent } from '../../../shared/events/envelope';
import { topicName, topics } from '../../../shared/infra';
import { publishEvents } from '../../../shared/kafka/events';
import { memberEvent } from '../../../shared/members/events';
import { orderEventEntry } from '../../../shared/orders/events';
import { eventEntry } from '../../../shared/outbox/entries';
import { searchEvent } from '../../../shared/search/search-events';
import { offer } from '../../support/catalog';

const now = new Date('2026-03-01T09:00:00.000Z');
const member = { birthYear: 1994, gender: 'female', region: 'daejeon' } as const;

function expectValid(topicKey: EventTopicKey, event: DomainEvent): void {
  expect(checkEvent(topicKey, event)).toEqual({ ok: true, event });
}

const placed: Order = (() => {
  const lines = [
    { offer: offer({ offerId: 'o1', groupId: 'g1', sellerId: 's1', price: 12_000 }), quantity: 2 },
    { offer: offer({ offerId: 'o2', groupId: 'g2', sellerId: 's2', shippingFee: 3_000 }), quantity: 1 },
  ];
  const { items, amounts, shipments } = priceOrder(lines, (line) =>
    line.offerId === 'o1' ? { promotionId: 'spring', unitDiscount: 1_000 } : undefined,
  );
  return {
    orderId: '6d0e4b7c-8f7e-4a51-9d6c-2f4f0c6a1b11',
    memberId: 'b7a1c0de-0000-4000-8000-000000000001',
    status: 'placed',
    items,
    amounts,
    shippingAddress: { recipient: '이도윤', phone: '010-1234-5678', postalCode: '34126', line1: '대학로 99' },
    payment: { method: 'card', last4: '4242', refunded: 0 },
    buyer: { ageBand: ageBand(member.birthYear, now), gender: member.gender, region: member.region },
    placedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
    shipments,
    returns: [],
  };
})();

const orderAt = (status: Order['status'], version: number): Order => ({ ...placed, status, version });
const orderEvent = (type: string, order: Order, extra: Record<string, unknown> = {}) => {
  const { event } = orderEventEntry(type, order, now, extra);
  if (!event) throw new Error('an order event entry carries its event');
  return event;
};

describe('events as their producers build them', () => {
  it.each([
    [
      'MemberSignedUp',
      memberEvent(
        'MemberSignedUp',
        'm1',
        { roles: ['member', 'seller'], ...demographicsOf(member, now) },
        now,
      ),
    ],
    ['MemberLoggedIn', memberEvent('MemberLoggedIn', 'm1', {}, now)],
    [
      'MemberProfileUpdated',
      memberEvent(
        'MemberProfileUpdated',
        'm1',
        { changed: ['name', 'region'], ...demographicsOf(member, now) },
        now,
      ),
    ],
    ['MemberWithdrawn', memberEvent('MemberWithdrawn', 'm1', { withdrawnAt: now.toISOString() }, now)],
  ])('member topic accepts %s', (_type, event) => {
    expectValid('memberEvents', event);
  });

  it('catalog topic accepts a listed, a changed and a removed offer', () => {
    const input = {
      groupId: 'g1',
      sku: 'SKU-1',
      title: 'Laptop 14',
      keywords: ['laptop'],
      category: 'computers',
      price: 1_000_000,
      shippingFee: 3_000,
      stock: 3,
      unitCost: 800_000,
      url: 'https://seller.example/laptop',
    };
    const listed = nextOffer(undefined, input, { offerId: 'o1', sellerId: 's1' }, now);
    const changed = nextOffer(listed, { ...input, price: 990_000 }, { offerId: 'o1', sellerId: 's1' }, now);
    for (const version of [listed, changed, removedOffer(changed, now)]) {
      expectValid('catalogEvents', offerEvent(version, now));
    }
  });

  it.each([
    ['a member', { channel: 'search', memberId: 'm1', sessionId: 'session-1234' }],
    ['an anonymous session', { channel: 'search', memberId: undefined, sessionId: 'session-1234' }],
    ['a visitor without session', { channel: 'search', memberId: undefined, sessionId: undefined }],
    ['a partner', { channel: 'partner', partnerId: 'partner-1' }],
  ] as const)('search topic accepts the search of %s', (_who, visitor) => {
    const event = searchEvent(
      { keyword: keywordSchema.parse('  Running SHOES '), resultCount: 0, ...visitor },
      now,
    );
    expectValid('searchEvents', event);
  });

  it.each([
    [orderEventTypes.placed, {}, orderAt('placed', 1)],
    [orderEventTypes.paid, {}, orderAt('paid', 2)],
    [orderEventTypes.paymentFailed, { reason: 'insufficient_funds' }, orderAt('payment_failed', 2)],
    [orderEventTypes.cancelled, {}, orderAt('cancelled', 2)],
    [orderEventTypes.cancelled, { refund: placed.amounts.total }, orderAt('cancelled', 3)],
    [orderEventTypes.shipped, { sellerId: 's1', trackingNumber: 'CJ1' }, orderAt('shipped', 3)],
    [orderEventTypes.delivered, { sellerId: 's1' }, orderAt('delivered', 4)],
    [
      orderEventTypes.returnRequested,
      { reason: 'too small', requests: [{ returnId: 'r1', offerId: 'o1', quantity: 1 }] },
      orderAt('return_requested', 5),
    ],
    [
      orderEventTypes.returned,
      {
        returnId: 'r1',
        returned: { offerId: 'o1', quantity: 1, amount: 11_000, shipping: 0 },
        refund: 11_000,
      },
      orderAt('partially_returned', 6),
    ],
    [
      orderEventTypes.exchangeRequested,
      { reason: 'wrong colour', requests: [{ returnId: 'r2', offerId: 'o2', quantity: 1 }] },
      orderAt('exchange_requested', 5),
    ],
    [
      orderEventTypes.exchanged,
      { returnId: 'r2', exchanged: { offerId: 'o2', quantity: 1 } },
      orderAt('exchanged', 6),
    ],
  ])('order topic accepts %s with %j', (type, extra, order) => {
    expectValid('orderEvents', orderEvent(type, order, extra));
  });

  it('still reads the version 1 events of orders with one status', () => {
    const v1 = domainEvent({
      type: orderEventTypes.returned,
      source: 'checkout',
      key: placed.orderId,
      data: {
        ...(({ shipments: _shipments, ...data }) => data)(orderEvent(orderEventTypes.placed, placed).data),
        status: 'returned',
        refund: placed.amounts.total,
      },
    });
    expectValid('orderEvents', v1);
  });

  it('has a schema for every order event type the checkout sends', () => {
    expect(Object.keys(eventTopics.orderEvents.types).sort()).toEqual(Object.values(orderEventTypes).sort());
  });
});

describe('producers refuse an event their topic does not accept', () => {
  const leaking = memberEvent('MemberLoggedIn', 'm1', {}, now);
  leaking.data.email = 'someone@example.com';

  it('publishEvents throws before any connection to Kafka, naming topic, type, version and problem', async () => {
    const refused = publishEvents('memberEvents', [memberEvent('MemberLoggedIn', 'm2', {}, now), leaking]);
    await expect(refused).rejects.toThrow(InvalidEventError);
    await expect(refused).rejects.toThrow(
      `Refusing to send event ${leaking.id} to memberEvents (peakcart.member-events): invalid MemberLoggedIn v1 data: data: Unrecognized key: "email"`,
    );
  });

  it('the outbox refuses an order event before it is written', () => {
    const paidButPlaced = domainEvent({
      type: orderEventTypes.paid,
      source: 'checkout',
      key: placed.orderId,
      schemaVersion: 2,
      data: { ...orderEvent(orderEventTypes.placed, placed).data },
    });
    expect(() => eventEntry('orderEvents', paidButPlaced)).toThrow(
      /orderEvents \(peakcart.order-events\): invalid OrderPaid v2 data: data.status: Invalid input: expected "paid"/,
    );
    expect(() => orderEventEntry(orderEventTypes.returned, orderAt('returned', 6), now)).toThrow(
      /invalid OrderReturned v2 data: data.returnId: Invalid input: expected string, received undefined/,
    );
  });
});

describe('topicKeyOf', () => {
  it("maps shared/infra's topic names to their keys, and nothing else", () => {
    for (const key of eventTopicKeys) expect(topicKeyOf(topicName(key))).toBe(key);
    expect(topicKeyOf('peakcart.order-events')).toBe('orderEvents');
    expect(topicKeyOf(topics.memberEvents as string)).toBe('memberEvents');
    expect(topicKeyOf(topics.triggerFailures as string)).toBeUndefined();
    expect(topicKeyOf('orderEvents')).toBeUndefined();
  });
});
