/** GET /history: the caller's own history, newest first, paged by an opaque cursor. */
import { optionalEnv } from '../../shared/config/env';
import {
  decodeCursor,
  encodeCursor,
  historyView,
  retentionDaysFrom,
  sortKeyRange,
} from '../../shared/domain/history';
import { listEntries } from '../../shared/dynamo/history-store';
import { ApiError } from '../../shared/http';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { listHistoryRoute } from './routes';

export const handler = authenticatedHttpHandler(listHistoryRoute, async ({ caller, query }) => {
  const scope = { memberId: caller.memberId, kind: query.type };
  const range = sortKeyRange(query, new Date(), retentionDaysFrom(optionalEnv('HISTORY_RETENTION_DAYS')));
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, scope, range);
  if (query.cursor !== undefined && after === undefined) {
    throw new ApiError(
      422,
      'invalid_cursor',
      'The cursor is not one this list gave you (same type and range)',
    );
  }
  const page = await listEntries(scope, range, query.limit, after);
  return {
    entries: page.entries.map(historyView),
    nextCursor: page.next ? encodeCursor(page.next) : null,
  };
});
