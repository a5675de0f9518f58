/**
 * Text a request may carry, refused at the edge when no store could hold it or no name contains
 * it: a NUL (PostgreSQL refuses it in every text value and parameter, so a NUL in an id or a name
 * was a 500 there, and a different answer on SQLite) and an unpaired surrogate (not Unicode text:
 * no UTF-8 form, no RFC 8785 form). Names and ids also refuse the other control characters, which
 * no account, permission set, user name or credential id holds.
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- the control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f]/u;

/** an unpaired surrogate: a high one not followed by a low one, or a low one not after a high one */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u;
const wellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

/** a name or an id: 1 to `max` characters, no control character, no unpaired surrogate */
export function nameText(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((text) => !CONTROL.test(text), { message: 'control characters (U+0000 to U+001F, U+007F) are not allowed in a name' })
    .refine(wellFormed, { message: 'unpaired surrogates are not text' });
}

/** free text (a message, a reason): line breaks allowed; no NUL, no unpaired surrogate */
export function freeText(max: number) {
  return z
    .string()
    .max(max)
    .refine((text) => !text.includes('\u0000'), { message: 'a NUL character (U+0000) is not allowed' })
    .refine(wellFormed, { message: 'unpaired surrogates are not text' });
}
