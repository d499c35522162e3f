/** Events of the search topic: one per search, keyed by the visitor so their searches stay in order. */
import * as z from 'zod';
import type { TopicEventsDefinition } from './definition';
import { entityId } from './fields';

export const searchEventType = 'KeywordSearched';

export const keywordSearchedV1 = z.strictObject({
  keyword: z
    .string()
    .min(1)
    .max(50)
    .describe('Folded as search matches it (trimmed, lower case, NFKC, inner spaces collapsed)'),
  resultCount: z.int().min(0).describe('Product groups found'),
  channel: z
    .enum(['search', 'partner'])
    .describe("Which API answered: the marketplace's own search, or a partner's lowest-price call"),
  memberId: entityId.optional().describe('The logged-in member who searched'),
  sessionId: z.string().min(1).max(100).optional().describe("The client's x-session-id, when well-formed"),
  partnerId: entityId.optional().describe('The partner site that called, on the partner channel'),
});

export const searchEvents = {
  description: 'Searches by keyword, from the marketplace and from partner sites.',
  key: 'member id, else session id, else the keyword',
  source: 'search',
  types: {
    [searchEventType]: {
      description: 'A keyword was searched.',
      versions: { 1: keywordSearchedV1 },
    },
  },
} as const satisfies TopicEventsDefinition;

export const searchEventDataSchema = keywordSearchedV1;
export type SearchEventData = z.infer<typeof searchEventDataSchema>;
