/**
 * Free text as the API takes it, checked on what is sent so the OpenAPI document states the same
 * limits: at most `maxLength` characters, at least one not blank, then trimmed.
 */
import * as z from 'zod';

/**
 * A character that is not blank. U+FEFF, which trim removes, is spelled out: not every regex engine
 * that reads the document's patterns counts it as whitespace.
 */
export const notBlank = /[^\s\ufeff]/;

export function text(maxLength: number) {
  return z.string().max(maxLength).regex(notBlank, 'must not be blank').trim();
}
