import { historyEntryFor, memberIdOf } from '../../../shared/domain/history';

const event = {
  id: '5b0f6a8e-6a39-4c52-9d4c-6f1b6f1d2a10',
  type: 'OrderPlaced',
  time: '2026-11-24T10:15:00+09:00',
  data: { memberId: 'm-42', orderId: 'o-1', amount: 39_000 },
};

describe('history entries', () => {
  it('files an event under its member, ordered by time, expiring after the retention period', () => {
    const entry = historyEntryFor(event, 'order', 30);
    expect(entry).toEqual({
      pk: 'MEMBER#m-42',
      sk: '2026-11-24T01:15:00.000Z#5b0f6a8e-6a39-4c52-9d4c-6f1b6f1d2a10',
      kind: 'order',
      eventId: event.id,
      eventType: 'OrderPlaced',
      occurredAt: '2026-11-24T01:15:00.000Z',
      data: event.data,
      expiresAt: Date.parse('2026-11-24T01:15:00Z') / 1000 + 30 * 86_400,
    });
  });

  it('gives the same key to a redelivered event, so it is stored once', () => {
    expect(historyEntryFor(event, 'order')?.sk).toBe(historyEntryFor({ ...event }, 'order')?.sk);
  });

  it('keeps nothing for an anonymous visitor', () => {
    expect(historyEntryFor({ ...event, data: { keyword: 'shoes' } }, 'search')).toBeUndefined();
    expect(memberIdOf({ ...event, data: { memberId: '' } })).toBeUndefined();
    expect(memberIdOf({ ...event, data: { memberId: 42 } })).toBeUndefined();
  });

  it('rejects an event whose time cannot be read', () => {
    expect(() => historyEntryFor({ ...event, time: 'yesterday' }, 'order')).toThrow(RangeError);
  });
});
