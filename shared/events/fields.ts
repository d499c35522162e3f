/** Field schemas that events of several topics share. */
import * as z from 'zod';

/** Id of a member, order or other entity, as the envelope's key allows. */
export const entityId = z.string().min(1).max(200);

/** Money in won. */
export const won = z.int().min(0);

/** An age band by tens, as shared/domain/member's ageBand computes it. */
export const ageBandField = z
  .string()
  .regex(/^(?:[1-7]?0s|80s\+)$/)
  .describe('Age by tens when the event was made: "0s" … "70s", "80s+"');

/** A time with its offset, as `Date.prototype.toISOString` writes it. */
export const timestamp = z.iso.datetime({ offset: true });
