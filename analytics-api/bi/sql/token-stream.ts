/** The parser's cursor over tokens: keyword tests, expectations with safe error messages, and the recursion guard. */
import { BiQueryError, safeName } from './bi-query-error.ts';
import type { Query } from './sql-ast.ts';
import type { Token } from './tokenize-sql.ts';

/**
 * Nested parse calls allowed. Bounds the parser's stack whatever the input; a tree the printer
 * writes back (one pair of parentheses per node) needs about three calls per level of the tree,
 * so any query within MAX_AST_DEPTH re-parses well within it.
 */
const MAX_NESTING = 256;

/** Words that end an expression or a relation, so they are never taken as an alias without AS. */
const RESERVED = new Set(
  (
    'SELECT FROM WHERE GROUP HAVING ORDER LIMIT OFFSET UNION EXCEPT INTERSECT FORMAT JOIN INNER LEFT RIGHT FULL CROSS OUTER ON USING AS WITH ' +
    'SETTINGS INTO AND OR NOT IN IS BETWEEN LIKE ILIKE CASE WHEN THEN ELSE END ASC DESC NULLS FIRST LAST DISTINCT ALL BY FINAL SAMPLE ' +
    'PREWHERE ARRAY GLOBAL ANY ASOF SEMI ANTI PASTE WINDOW QUALIFY INTERVAL OVER TOTALS ROLLUP CUBE COLLATE'
  ).split(' '),
);

/** How a token is named in an error: words and operators as written, literals only by kind. */
function describe(t: Token | undefined): string {
  if (!t) return 'the end of the query';
  if (t.kind === 'string') return 'a string';
  if (t.kind === 'number') return 'a number';
  if (t.kind === 'quoted') return `identifier ${safeName(t.value)}`;
  return t.kind === 'word' ? safeName(t.value) : `"${t.value}"`;
}

export class TokenStream {
  private at = 0;
  private nesting = 0;
  /** Set by the query parser, so that expressions can hold subqueries. */
  parseQuery!: (s: TokenStream) => Query;

  constructor(private readonly tokens: Token[]) {}

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.at + ahead];
  }

  next(): Token {
    const t = this.tokens[this.at];
    if (!t) throw this.error('unexpected end of the query');
    this.at++;
    return t;
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  /** Whether the token `ahead` is the (unquoted, case-insensitive) keyword. */
  isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t?.kind === 'word' && t.value.toUpperCase() === word;
  }

  isPunct(p: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t?.kind === 'punct' && t.value === p;
  }

  /** Consumes the keywords if they come next, in order. */
  acceptWords(...words: string[]): boolean {
    if (!words.every((w, i) => this.isWord(w, i))) return false;
    this.at += words.length;
    return true;
  }

  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.at++;
    return true;
  }

  expectWords(...words: string[]): void {
    if (!this.acceptWords(...words)) throw this.error(`expected ${words.join(' ')}`);
  }

  expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw this.error(`expected "${p}"`);
  }

  /** A name: a plain word that is not a reserved keyword, or any quoted identifier. */
  isName(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t?.kind === 'quoted' || (t?.kind === 'word' && !RESERVED.has(t.value.toUpperCase()));
  }

  /** A name; after AS or in a dotted path any plain word is one, as in ClickHouse. */
  name(anyWord = false): string {
    const t = this.peek();
    if (t && (t.kind === 'quoted' || (t.kind === 'word' && (anyWord || this.isName())))) {
      this.at++;
      return t.value;
    }
    throw this.error('expected a name');
  }

  /** `[AS] alias`, or undefined if no alias follows. */
  alias(): string | undefined {
    if (this.acceptWords('AS')) return this.name(true);
    return this.isName() ? this.name() : undefined;
  }

  /** Runs a nested parse step under the recursion guard. */
  nested<T>(step: () => T): T {
    if (++this.nesting > MAX_NESTING) throw new BiQueryError(167, 'query is nested too deeply');
    try {
      return step();
    } finally {
      this.nesting--;
    }
  }

  /** A syntax error at the current token, naming it only if that is safe. */
  error(what: string): BiQueryError {
    const t = this.peek();
    return new BiQueryError(
      62,
      `syntax error at ${t ? `position ${t.pos}` : 'the end'}: ${what}, found ${describe(t)}`,
    );
  }
}
