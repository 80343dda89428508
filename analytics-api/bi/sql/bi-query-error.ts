/** The one error a BI query is refused with, and how a refusal may name what it refuses. */

/**
 * A query refused by the BI endpoint. `code` is ClickHouse's error code for the same refusal
 * (62 syntax, 60 unknown table, 81 unknown database, 446 function not allowed, 164 read-only,
 * 73 unknown format, 167/168 too deep/too big); the message is safe to show to the client: it
 * never quotes a string literal of the query, which could carry exfiltrated text.
 */
export class BiQueryError extends Error {
  override name = 'BiQueryError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A name as a refusal may show it: plain identifiers (and dotted paths of them) up to 64
 * characters as written; anything else (a quoted name with spaces, Unicode, control characters)
 * only described, so that a refusal can never carry arbitrary text chosen by the query.
 */
export function safeName(name: string): string {
  return /^[A-Za-z0-9_.]{1,64}$/.test(name) ? name : 'a quoted name';
}
