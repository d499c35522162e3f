import {
  anonymised,
  decodeCursor,
  defaultRetentionDays,
  encodeCursor,
  historyEntryFor,
  historyView,
  memberIdOf,
  pageKeyOf,
  retentionDaysFrom,
  sortKeyRange,
} from '../../../shared/domain/history';

const event = {
  id: '5b0f6a8e-6a39-4c52-9d4c-6f1b6f1d2a10',
  type: 'OrderPlaced',
  time: '2026-11-24T10:15:00+09:00',
  data: { memberId: 'm-42', orderId: 'o-1', amount: 39_000 },
};
const sk = '2026-11-24T01:15:00.000Z#5b0f6a8e-6a39-4c52-9d4c-6f1b6f1d2a10';

describe('history entries', () => {
  it('files an event under its member and kind, ordered by time, expiring after the retention period', () => {
    const entry = historyEntryFor(event, 'order', 30);
    expect(entry).toEqual({
      pk: 'MEMBER#m-42',
      sk,
      gsi1pk: 'MEMBER#m-42#order',
      gsi1sk: sk,
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

  it("keeps neither the sellers' unit costs nor the client's session id", () => {
    const order = historyEntryFor(
      {
        ...event,
        data: { memberId: 'm-42', items: [{ offerId: 'o', unitPrice: 12_000, unitCost: 8_000 }] },
      },
      'order',
    );
    expect(order?.data).toEqual({ memberId: 'm-42', items: [{ offerId: 'o', unitPrice: 12_000 }] });
    const search = historyEntryFor(
      {
        ...event,
        type: 'KeywordSearched',
        data: { memberId: 'm-42', keyword: 'tent', sessionId: 's-123456789' },
      },
      'search',
    );
    expect(search?.data).toEqual({ memberId: 'm-42', keyword: 'tent' });
  });

  it('shows the member the event, not the keys', () => {
    const entry = historyEntryFor(event, 'order');
    expect(entry && historyView(entry)).toEqual({
      eventId: event.id,
      type: 'order',
      eventType: 'OrderPlaced',
      occurredAt: '2026-11-24T01:15:00.000Z',
      data: event.data,
    });
  });
});

describe('retention', () => {
  it('is 365 days unless HISTORY_RETENTION_DAYS says otherwise', () => {
    expect(retentionDaysFrom(undefined)).toBe(defaultRetentionDays);
    expect(defaultRetentionDays).toBe(365);
    expect(retentionDaysFrom('30')).toBe(30);
  });

  it('refuses a value that is not a whole number of days', () => {
    for (const raw of ['0', '-5', '1.5', 'a year', ' 30', '1e3']) {
      expect(() => retentionDaysFrom(raw)).toThrow(/HISTORY_RETENTION_DAYS/);
    }
  });
});

describe('anonymisation', () => {
  it('moves an entry to the subject under an id of its own, without what ties it to the member', () => {
    const returnRequest = {
      ...event,
      type: 'OrderReturnRequested',
      data: { ...event.data, reason: 'Call me at 010-1234-5678' },
    };
    const entry = historyEntryFor(returnRequest, 'order', 30);
    if (!entry) throw new Error('no entry');
    const moved = anonymised(entry, 'subject-1', 'entry-7');
    expect(moved).toEqual({
      pk: 'ANON#subject-1',
      sk: '2026-11-24T01:15:00.000Z#entry-7',
      kind: 'order',
      eventId: 'entry-7',
      eventType: 'OrderReturnRequested',
      occurredAt: '2026-11-24T01:15:00.000Z',
      data: { amount: 39_000 },
      expiresAt: entry.expiresAt,
    });
    for (const identifying of ['m-42', 'o-1', event.id, '010-1234-5678']) {
      expect(JSON.stringify(moved)).not.toContain(identifying);
    }
  });
});

describe('time ranges', () => {
  const now = new Date('2026-12-01T00:00:00Z');

  it('covers every entry at the bounds, and nothing that has expired', () => {
    const range = sortKeyRange(
      { from: new Date('2026-11-24T01:15:00Z'), to: new Date('2026-11-24T01:15:00Z') },
      now,
      365,
    );
    expect(sk >= range.lower && range.upper !== undefined && sk <= range.upper).toBe(true);
    expect(`2026-11-24T01:15:00.001Z#${event.id}` > (range.upper ?? '')).toBe(true);
    expect(`2026-11-24T01:14:59.999Z#${event.id}` < range.lower).toBe(true);
  });

  it('starts at the oldest entry still kept when from is older or missing', () => {
    expect(sortKeyRange({}, now, 30)).toEqual({ lower: '2026-11-01T00:00:00.000Z', upper: undefined });
    expect(sortKeyRange({ from: new Date('2020-01-01T00:00:00Z') }, now, 30).lower).toBe(
      '2026-11-01T00:00:00.000Z',
    );
  });
});

describe('cursors', () => {
  const entry = historyEntryFor(event, 'order');
  if (!entry) throw new Error('no entry');
  const range = sortKeyRange({}, new Date('2026-12-01T00:00:00Z'), 365);

  it("continue the caller's own list with the same kind", () => {
    for (const scope of [{ memberId: 'm-42' }, { memberId: 'm-42', kind: 'order' as const }]) {
      const key = pageKeyOf(entry, scope);
      expect(decodeCursor(encodeCursor(key), scope, range)).toEqual(key);
    }
  });

  it("are refused for another member's list, another kind, or a range they are not in", () => {
    const mine = encodeCursor(pageKeyOf(entry, { memberId: 'm-42', kind: 'order' }));
    expect(decodeCursor(mine, { memberId: 'm-7', kind: 'order' }, range)).toBeUndefined();
    expect(decodeCursor(mine, { memberId: 'm-42', kind: 'search' }, range)).toBeUndefined();
    expect(decodeCursor(mine, { memberId: 'm-42' }, range)).toBeUndefined();
    const untyped = encodeCursor(pageKeyOf(entry, { memberId: 'm-42' }));
    expect(decodeCursor(untyped, { memberId: 'm-42', kind: 'order' }, range)).toBeUndefined();
    const earlier = sortKeyRange(
      { to: new Date('2026-11-01T00:00:00Z') },
      new Date('2026-12-01T00:00:00Z'),
      365,
    );
    expect(decodeCursor(untyped, { memberId: 'm-42' }, earlier)).toBeUndefined();
  });

  it('are refused when they are not cursors at all', () => {
    const scope = { memberId: 'm-42' };
    for (const cursor of [
      'garbage',
      '',
      encodeCursor({ pk: 'MEMBER#m-42' }),
      encodeCursor({ pk: 'MEMBER#m-42', sk: 'PROFILE' }),
      encodeCursor({ pk: 'MEMBER#m-42', sk, extra: 'x' }),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('null').toString('base64url'),
    ]) {
      expect(decodeCursor(cursor, scope, range)).toBeUndefined();
    }
  });
});
