/** DELETE /history: deletes the caller's own history, all of it or one kind. */
import { deleteEntries } from '../../shared/dynamo/history-store';
import { authenticatedHttpHandler } from '../../shared/http/authenticated-handler';
import { deleteHistoryRoute } from './routes';

/** Time kept back from the function's timeout to finish the page in progress and answer. */
const answerMarginMs = 5_000;

export const handler = authenticatedHttpHandler(
  deleteHistoryRoute,
  async ({ caller, query }, _event, context) =>
    deleteEntries(
      caller.memberId,
      query.type,
      Date.now() + context.getRemainingTimeInMillis() - answerMarginMs,
    ),
);
