/** checkEvent: what it refuses, and a reason that names the problem. */
import { offerEvent } from '../../../shared/catalog/offers';
import { removedOffer } from '../../../shared/domain/catalog';
import { checkEvent, type EventTopicKey } from '../../../shared/events';
import { type DomainEvent, domainEvent } from '../../../shared/events/envelope';
import { memberEvent } from '../../../shared/members/events';
import { searchEvent } from '../../../shared/search/search-events';
import { offer } from '../../support/catalog';

const now = new Date('2026-03-01T09:00:00.000Z');
const signedUp = memberEvent(
  'MemberSignedUp',
  'm1',
  { roles: ['member'], birthYear: 1990, ageBand: '30s', gender: 'male', region: 'busan' },
  now,
);
const search = searchEvent(
  { keyword: 'shoes', resultCount: 3, channel: 'search', sessionId: 'session-1' },
  now,
);
const listed = offerEvent(offer({ offerId: 'o1', groupId: 'g1' }), now);

const withData = (event: DomainEvent, data: Record<string, unknown>): DomainEvent => ({
  ...event,
  data: { ...event.data, ...data },
});

function reasonOf(topicKey: EventTopicKey, value: unknown): string {
  const check = checkEvent(topicKey, value);
  if (check.ok) throw new Error('expected the event to be refused');
  return check.reason;
}

describe('checkEvent', () => {
  it.each([
    ['a value that is no object', 'MemberSignedUp', 'not a domain event envelope: the value: Invalid input'],
    [
      'an envelope without id',
      { ...signedUp, id: undefined },
      'not a domain event envelope: id: Invalid input',
    ],
    ['an id that is no UUID', { ...signedUp, id: 'e-1' }, 'not a domain event envelope: id: Invalid UUID'],
    ['a schema version 0', { ...signedUp, schemaVersion: 0 }, 'schemaVersion: Too small'],
    [
      'data that is no object',
      { ...signedUp, data: [1] },
      'not a domain event envelope: data: Invalid input',
    ],
  ])('refuses %s as not an envelope', (_case, value, reason) => {
    expect(reasonOf('memberEvents', value)).toContain(reason);
  });

  it('refuses a type its topic does not carry, naming it', () => {
    expect(reasonOf('searchEvents', signedUp)).toBe('unknown event type "MemberSignedUp" on searchEvents');
    expect(reasonOf('memberEvents', { ...signedUp, type: 'constructor' })).toBe(
      'unknown event type "constructor" on memberEvents',
    );
  });

  it('refuses a schema version it does not know, naming it and the known ones', () => {
    expect(reasonOf('memberEvents', { ...signedUp, schemaVersion: 2 })).toBe(
      'unknown schema version 2 of MemberSignedUp (known: 1)',
    );
  });

  it.each<[string, EventTopicKey, DomainEvent, string]>([
    [
      'a field no member event may carry',
      'memberEvents',
      withData(signedUp, { email: 'a@example.com' }),
      'invalid MemberSignedUp v1 data: data: Unrecognized key: "email"',
    ],
    [
      'a missing field',
      'memberEvents',
      memberEvent('MemberWithdrawn', 'm1', { withdrawnAt: 'yesterday' }, now),
      'invalid MemberWithdrawn v1 data: data.withdrawnAt: Invalid ISO datetime',
    ],
    [
      'a value outside its enum',
      'memberEvents',
      withData(signedUp, { region: 'Busan' }),
      'invalid MemberSignedUp v1 data: data.region: Invalid option: expected one of',
    ],
    [
      'an age band analytics does not know',
      'memberEvents',
      withData(signedUp, { ageBand: '35' }),
      'data.ageBand: Invalid string',
    ],
    [
      'a removed offer announced as upserted',
      'catalogEvents',
      {
        ...offerEvent(removedOffer(offer({ offerId: 'o1', groupId: 'g1' }), now), now),
        type: 'OfferUpserted',
      },
      'invalid OfferUpserted v1 data: data.removed: Invalid input: expected false',
    ],
    [
      'a fractional price',
      'catalogEvents',
      withData(listed, { price: 10.5 }),
      'invalid OfferUpserted v1 data: data.price: Invalid input: expected int, received number',
    ],
    [
      'a keyword too long to have been folded by search',
      'searchEvents',
      withData(search, { keyword: 'x'.repeat(51) }),
      'invalid KeywordSearched v1 data: data.keyword: Too big',
    ],
    [
      'an unknown channel',
      'searchEvents',
      withData(search, { channel: 'app' }),
      'invalid KeywordSearched v1 data: data.channel: Invalid option',
    ],
  ])('refuses %s, naming the field', (_case, topicKey, event, reason) => {
    expect(reasonOf(topicKey, event)).toContain(reason);
  });

  it('names every problem of the data, with the path into arrays', () => {
    const order = domainEvent({
      type: 'OrderPlaced',
      source: 'checkout',
      key: 'order-1',
      data: {
        orderId: 'order-1',
        memberId: 'm1',
        status: 'placed',
        version: 1,
        items: [
          {
            offerId: 'o1',
            groupId: 'g1',
            sellerId: 's1',
            title: 'Laptop',
            category: 'computers',
            quantity: 0,
            unitPrice: 1000,
            unitCost: 800,
            unitDiscount: 0,
            promotionId: null,
          },
        ],
        amounts: { items: 1000, discount: 0, shipping: 0, total: 1000 },
        buyer: { ageBand: '30s', gender: 'male', region: 'seoul' },
      },
    });
    expect(reasonOf('orderEvents', order)).toBe(
      'invalid OrderPlaced v1 data: data.items[0].quantity: Too small: expected number to be >=1; ' +
        'data.buyer.amountBand: Invalid input: expected string, received undefined',
    );
  });

  it('answers the event of a valid value', () => {
    const value: unknown = JSON.parse(JSON.stringify(search));
    expect(checkEvent('searchEvents', value)).toEqual({ ok: true, event: search });
  });
});
