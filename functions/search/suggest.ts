/** GET /search/suggest: autocomplete from known keywords, most searched first. */
import { keywordsWithPrefix } from '../../shared/dynamo/offer-store';
import { httpHandler } from '../../shared/http';
import { logger } from '../../shared/logger';
import { suggestedKeywords } from '../../shared/redis/keyword-insights';
import { suggestRoute } from './routes';

export const handler = httpHandler(suggestRoute, async ({ query }) => {
  try {
    const suggestions = await suggestedKeywords(query.prefix, query.limit);
    return { prefix: query.prefix, suggestions, source: 'cache' as const };
  } catch (error) {
    // Without Redis there are no search counts: known keywords in alphabetical order instead.
    logger.warn('suggestions from DynamoDB', {
      error: error instanceof Error ? error.message : String(error),
    });
    const suggestions = await keywordsWithPrefix(query.prefix, query.limit);
    return { prefix: query.prefix, suggestions, source: 'database' as const };
  }
});
