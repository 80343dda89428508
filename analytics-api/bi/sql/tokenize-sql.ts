/** A strict lexer for the SQL a BI client may send: anything it cannot classify is refused, never guessed. */
import { BiQueryError } from './bi-query-error.ts';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

export interface Token {
  kind: TokenKind;
  /**
   * word: as written; quoted: the unquoted identifier; string: the decoded value; number: the
   * literal lower-cased; punct: the operator.
   */
  value: string;
  /** Offset in the query text, for error messages. */
  pos: number;
}

/** Most tokens a query may have: bounds the parser's work whatever the input. */
export const MAX_TOKENS = 4000;

const PUNCT = [
  '<=',
  '>=',
  '!=',
  '<>',
  '==',
  '||',
  '::',
  '->',
  '(',
  ')',
  ',',
  '.',
  ';',
  '*',
  '+',
  '-',
  '/',
  '%',
  '=',
  '<',
  '>',
  '?',
  ':',
  '[',
  ']',
];
const NUMBER = /0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?/iy;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;
/** ClickHouse's whitespace; a Unicode space (U+00A0, U+2000…) is not one and is refused. */
const SPACE = /[ \t\n\r\f\v]+/y;
const NAME_CHAR = /[A-Za-z0-9_.]/y;

/** The match of a sticky regex at `at`, or undefined. */
function matchAt(re: RegExp, sql: string, at: number): string | undefined {
  re.lastIndex = at;
  return re.exec(sql)?.[0];
}
const ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  a: '\x07',
  v: '\v',
  e: '\x1b',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
};

function describeChar(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Reads a quoted token starting at `at`, decoding ClickHouse's escapes (`\n`, `\xHH`, a doubled
 * quote…). Escapes ClickHouse would keep verbatim and `\x80`-`\xFF` (a raw byte, not a
 * character) are refused so that the decoded value is exactly what ClickHouse would read.
 */
function readQuoted(sql: string, at: number, quote: string): { value: string; end: number } {
  let value = '';
  for (let i = at + 1; i < sql.length; i++) {
    const c = sql[i];
    if (c === '\\') {
      const e = sql[i + 1];
      if (e === 'x' && /^[0-7][0-9a-fA-F]$/.test(sql.slice(i + 2, i + 4))) {
        value += String.fromCharCode(parseInt(sql.slice(i + 2, i + 4), 16));
        i += 3;
      } else if (e !== undefined && e in ESCAPES) {
        value += ESCAPES[e];
        i++;
      } else {
        throw new BiQueryError(62, `unsupported escape sequence in quoted text at position ${i}`);
      }
    } else if (c === quote) {
      if (sql[i + 1] !== quote) return { value, end: i + 1 };
      value += quote;
      i++;
    } else {
      value += c;
    }
  }
  throw new BiQueryError(62, `unterminated quoted text starting at position ${at}`);
}

/** Where a comment starting at `i` ends, or -1 if none starts there. */
function skipComment(sql: string, i: number): number {
  if (sql.startsWith('--', i) || sql.startsWith('# ', i) || sql.startsWith('#!', i)) {
    const nl = sql.indexOf('\n', i);
    return nl < 0 ? sql.length : nl + 1;
  }
  if (!sql.startsWith('/*', i)) return -1;
  // ClickHouse nests block comments: `/* a /* b */ c */` is one comment.
  let depth = 0;
  for (let j = i; j < sql.length - 1; j++) {
    if (sql.startsWith('/*', j)) {
      depth++;
      j++;
    } else if (sql.startsWith('*/', j)) {
      depth--;
      j++;
      if (depth === 0) return j + 1;
    }
  }
  throw new BiQueryError(62, `unterminated comment starting at position ${i}`);
}

/**
 * Splits SQL into tokens, dropping whitespace and comments (`--`, `# `, nested `/* *\/`).
 * Outside quotes only printable ASCII is accepted: fullwidth letters, zero-width joiners,
 * non-breaking spaces, Unicode quote marks, `{x:T}` parameters and heredocs are refused.
 */
export function tokenizeSql(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const space = matchAt(SPACE, sql, i);
    if (space) {
      i += space.length;
      continue;
    }
    const afterComment = skipComment(sql, i);
    if (afterComment >= 0) {
      i = afterComment;
      continue;
    }
    if (out.length >= MAX_TOKENS) throw new BiQueryError(168, `query has more than ${MAX_TOKENS} tokens`);
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      const { value, end } = readQuoted(sql, i, c);
      if (c !== "'" && /[\x00-\x1f\x7f]/.test(value))
        throw new BiQueryError(62, `control character in a quoted identifier at position ${i}`);
      out.push({ kind: c === "'" ? 'string' : 'quoted', value, pos: i });
      i = end;
      continue;
    }
    const prev = out.at(-1);
    const afterName =
      prev !== undefined &&
      (prev.kind === 'word' || prev.kind === 'quoted' || prev.value === ')' || prev.value === ']');
    const number = c === '.' && afterName ? undefined : matchAt(NUMBER, sql, i);
    if (number) {
      if (matchAt(NAME_CHAR, sql, i + number.length)) throw new BiQueryError(62, `malformed number at position ${i}`);
      out.push({ kind: 'number', value: number.toLowerCase(), pos: i });
      i += number.length;
      continue;
    }
    const word = matchAt(WORD, sql, i);
    if (word) {
      out.push({ kind: 'word', value: word, pos: i });
      i += word.length;
      continue;
    }
    const p = PUNCT.find((op) => sql.startsWith(op, i));
    if (!p)
      throw new BiQueryError(
        62,
        `character ${describeChar(c)} is not allowed at position ${i} (outside quotes: ASCII SQL only; no query parameters or heredocs)`,
      );
    out.push({ kind: 'punct', value: p, pos: i });
    i += p.length;
  }
  return out;
}
