/**
 * How long an order keeps its buyer's personal fields (the shipping address: recipient, phone,
 * postal code, address lines). They are needed while the order may still be shipped, returned or
 * exchanged; after that only what analytics and tax need stays (lines, amounts, payment totals,
 * the buyer's id and demographics band). Pure: the rule, not the storage.
 */
import type { OrderStatus } from './order';

/** Days an order keeps its address after it was finished (a final status, or delivered). */
export const personalDataRetentionDays = 90;
/** Days after delivery in which a buyer may still ask to return or exchange. */
export const returnWindowDays = 7;

/** Statuses after which nothing more is shipped or returned. */
const finalStatuses: readonly OrderStatus[] = ['payment_failed', 'cancelled', 'returned'];
/** Statuses of a delivered order whose units not returned may still be returned or exchanged. */
const deliveredStatuses: readonly OrderStatus[] = ['delivered', 'partially_returned', 'exchanged'];

const dayMs = 86_400_000;

/**
 * When the order's personal fields are to be erased, or undefined while it may still be shipped
 * or returned (placed, paid, shipped, a return or exchange under way). `updatedAt` is when the
 * order reached its status. For a withdrawn buyer, at once for a final status and once the return
 * window has passed for a delivered one (delivered, partly returned or exchanged); otherwise the retention period after either.
 */
export function erasureDueAt(
  order: { status: OrderStatus; updatedAt: string },
  buyerWithdrawn = false,
): Date | undefined {
  const since = Date.parse(order.updatedAt);
  if (finalStatuses.includes(order.status)) {
    return new Date(buyerWithdrawn ? since : since + personalDataRetentionDays * dayMs);
  }
  if (deliveredStatuses.includes(order.status)) {
    return new Date(since + (buyerWithdrawn ? returnWindowDays : personalDataRetentionDays) * dayMs);
  }
  return undefined;
}
