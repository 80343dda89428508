/** A strict lexer for the SQL a BI client may send: anything it cannot classify is refused, never guessed. */

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** Lower-case for words, the unquoted name for quoted identifiers. */
  value: string;
}

/** A query refused by the BI endpoint; `code` is ClickHouse's error code for the same refusal. */
export class BiQueryError extends Error {
  override name = 'BiQueryError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const PUNCT = ['<=', '>=', '!=', '<>', '==', '||', '->', '::', '(', ')', ',', '.', ';', '*', '+', '-', '/', '%', '=', '<', '>', '?', ':', '[', ']'];
const NUMBER = /^(?:0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)/i;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;

function readQuoted(sql: string, at: number, quote: string): number {
  for (let i = at + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i++;
      else return i + 1;
    }
  }
  throw new BiQueryError(62, 'unterminated quoted text');
}

function unquote(body: string, quote: string): string {
  return body.slice(1, -1).replace(/\\(.)/g, '$1').replaceAll(quote + quote, quote);
}

/**
 * Splits SQL into tokens. Line comments (`--`) are dropped; block comments, `#` comments,
 * heredocs (`$$`), query parameters (`{x:T}`) and any other character are refused, so that
 * this lexer and ClickHouse's parser can never disagree about what is code.
 */
export function tokenizeSql(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const rest = sql.slice(i);
    if (/\s/.test(c)) {
      i++;
    } else if (rest.startsWith('--')) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (rest.startsWith('/*')) {
      throw new BiQueryError(62, 'block comments are not allowed');
    } else if (c === "'" || c === '"' || c === '`') {
      const end = readQuoted(sql, i, c);
      const text = sql.slice(i, end);
      out.push({ kind: c === "'" ? 'string' : 'quoted', text, value: unquote(text, c) });
      i = end;
    } else if (NUMBER.test(rest) && !WORD.test(rest)) {
      const text = rest.match(NUMBER)![0];
      out.push({ kind: 'number', text, value: text });
      i += text.length;
    } else if (WORD.test(rest)) {
      const text = rest.match(WORD)![0];
      out.push({ kind: 'word', text, value: text.toLowerCase() });
      i += text.length;
    } else {
      const p = PUNCT.find((op) => rest.startsWith(op));
      if (!p) throw new BiQueryError(62, `character ${JSON.stringify(c)} is not allowed here (no block comments, heredocs or query parameters)`);
      out.push({ kind: 'punct', text: p, value: p });
      i += p.length;
    }
  }
  return out;
}
