/** GET /search/popular: the most searched keywords of a day. */
import { marketplaceDay } from '../../shared/domain/search';
import { httpHandler } from '../../shared/http';
import { logger } from '../../shared/logger';
import { popularKeywords } from '../../shared/redis/keyword-insights';
import { popularRoute } from './routes';

export const handler = httpHandler(popularRoute, async ({ query }) => {
  const day = query.day ?? marketplaceDay(new Date());
  try {
    return { day, keywords: await popularKeywords(day, query.limit), available: true };
  } catch (error) {
    // Search counts live in Redis only; without it the list is empty, never an error.
    logger.warn('popular keywords unavailable', {
      error: error instanceof Error ? error.message : String(error),
    });
    return { day, keywords: [], available: false };
  }
});
