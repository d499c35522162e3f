/** GET /orders: the caller's orders, newest first, paged by an opaque cursor. */
import { ordersOfBuyer } from '../../shared/dynamo/order-store';
import { ApiError } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { orderView } from '../../shared/orders/view';
import { listOrdersRoute } from './routes';

function decodeCursor(cursor: string, memberId: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A cursor only ever continues the caller's own list.
    if (key && typeof key === 'object' && key.gsi1pk === `BUYER#${memberId}`) return key;
  } catch {
    // Reported below.
  }
  throw new ApiError(422, 'invalid_cursor', 'The cursor is not one this endpoint gave you');
}

export const handler = authenticatedHttpHandler(listOrdersRoute, async ({ caller, query }) => {
  const after = query.cursor ? decodeCursor(query.cursor, caller.memberId) : undefined;
  const page = await ordersOfBuyer(caller.memberId, query.limit, after);
  return {
    orders: page.orders.map(orderView),
    nextCursor: page.next ? Buffer.from(JSON.stringify(page.next)).toString('base64url') : null,
  };
});
