import { PayloadTooLargeError } from '../errors';
import type { HttpMiddleware } from './types';

/** Rejects a body larger than the limit with 413 before anything reads it. */
export function bodyLimit(maxBytes: number): HttpMiddleware {
  return {
    before: async ({ event }) => {
      if (event.body === null || event.body === undefined) return;
      // A base64 body decodes to three bytes for every four characters.
      const bytes = event.isBase64Encoded
        ? Math.floor((event.body.length * 3) / 4)
        : Buffer.byteLength(event.body, 'utf8');
      if (bytes > maxBytes) throw new PayloadTooLargeError(maxBytes);
    },
  };
}
