import {
  erasureDueAt,
  personalDataRetentionDays,
  returnWindowDays,
} from '../../../shared/domain/order-erasure';

const at = '2026-11-01T00:00:00.000Z';
const days = (count: number) => new Date(Date.parse(at) + count * 86_400_000);

describe('when an order erases its personal fields', () => {
  it.each(['placed', 'paid', 'shipped', 'return_requested', 'exchange_requested'] as const)(
    'never while it is %s (it may still be shipped or returned)',
    (status) => {
      expect(erasureDueAt({ status, updatedAt: at })).toBeUndefined();
      expect(erasureDueAt({ status, updatedAt: at }, true)).toBeUndefined();
    },
  );

  it.each(['payment_failed', 'cancelled', 'returned'] as const)(
    '%s: the retention period after, or at once for a withdrawn buyer',
    (status) => {
      expect(erasureDueAt({ status, updatedAt: at })).toEqual(days(personalDataRetentionDays));
      expect(erasureDueAt({ status, updatedAt: at }, true)).toEqual(days(0));
    },
  );

  it.each(['delivered', 'partially_returned', 'exchanged'] as const)(
    '%s: the retention period after, or the return window for a withdrawn buyer (units may still come back)',
    (status) => {
      expect(erasureDueAt({ status, updatedAt: at })).toEqual(days(personalDataRetentionDays));
      expect(erasureDueAt({ status, updatedAt: at }, true)).toEqual(days(returnWindowDays));
      expect(personalDataRetentionDays).toBeGreaterThanOrEqual(returnWindowDays);
    },
  );
});
