/** Contracts of history: the caller's own events, listed and deleted. */
import * as z from 'zod';
import { historyKinds } from '../../shared/domain/history';
import { roles } from '../../shared/domain/member';
import { defineRoute } from '../../shared/http';

const kind = z.enum(historyKinds).describe('member, search or order events');
const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .describe('ISO 8601 date-time with Z or an offset, inclusive');

const entry = z.object({
  eventId: z.string(),
  type: kind,
  eventType: z.string().describe('e.g. MemberLoggedIn, KeywordSearched, OrderPaid'),
  occurredAt: z.string(),
  data: z.record(z.string(), z.unknown()).describe('What the event carried'),
});

export const listHistoryRoute = defineRoute({
  operationId: 'listHistory',
  method: 'get',
  path: '/history',
  summary: "The caller's own history, newest first, by kind and time range",
  tags: ['history'],
  auth: roles,
  // Reading one's history can wait out a spike: shed first.
  priority: 'optional',
  query: z
    .strictObject({
      type: kind.optional(),
      from: instant.optional(),
      to: instant.optional(),
      cursor: z.string().max(1_000).optional().describe('nextCursor of the previous page, same filters'),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    })
    .refine((query) => !query.from || !query.to || query.from <= query.to, {
      path: ['from'],
      message: 'from must not be after to',
    }),
  response: z.object({ entries: z.array(entry), nextCursor: z.string().nullable() }),
  otherResponses: {
    422: {
      description: 'invalid_cursor: not a cursor of this list (same type and range)',
      schema: z.unknown(),
    },
  },
});

export const deleteHistoryRoute = defineRoute({
  operationId: 'deleteHistory',
  method: 'delete',
  path: '/history',
  summary: "Deletes the caller's own history, all of it or one kind",
  tags: ['history'],
  auth: roles,
  query: z.strictObject({ type: kind.optional() }),
  response: z.object({
    deleted: z.int().describe('Entries deleted by this request'),
    complete: z
      .boolean()
      .describe('False when time ran out first: entries are left, and repeating the request continues'),
  }),
});

export const historyRoutes = [listHistoryRoute, deleteHistoryRoute];
