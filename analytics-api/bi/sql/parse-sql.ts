/** Recursive descent over one BI statement: SELECT/UNION with WITH, FROM/JOIN, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, FORMAT. */
import { BiQueryError, safeName } from './bi-query-error.ts';
import { parseExpression, startsQuery } from './parse-expression.ts';
import type {
  FromClause,
  GroupBy,
  Join,
  JoinType,
  Limit,
  OrderItem,
  Query,
  Relation,
  SelectItem,
  SelectQuery,
  WithItem,
} from './sql-ast.ts';
import { TokenStream } from './token-stream.ts';
import { tokenizeSql } from './tokenize-sql.ts';

/** Most levels of nodes in a query's tree (ClickHouse's own limit, max_ast_depth, is 1000). */
export const MAX_AST_DEPTH = 32;
/** Most relations in one FROM clause: a bound on how many row sets one SELECT may multiply. */
export const MAX_FROM_RELATIONS = 8;

export interface ParsedStatement {
  query: Query;
  /** The trailing `FORMAT name`, if any (not yet checked). */
  format?: string;
}

/** Clauses a read of the BI tables never needs, refused with ClickHouse's read-only code wherever they appear. */
function refuseWritesAndSettings(s: TokenStream): void {
  if (s.isWord('SETTINGS')) throw new BiQueryError(164, 'SETTINGS is not allowed in a BI query');
  if (s.isWord('INTO')) throw new BiQueryError(164, 'INTO OUTFILE is not allowed in a BI query');
}

function parseWith(s: TokenStream): WithItem[] {
  const items: WithItem[] = [];
  do {
    if (s.isName() && s.isWord('AS', 1) && s.isPunct('(', 2) && startsQuery(s, 3)) {
      const name = s.name();
      s.next();
      s.next();
      items.push({ kind: 'cte', name, query: s.nested(() => parseQuery(s)) });
      s.expectPunct(')');
    } else {
      const expr = parseExpression(s);
      s.expectWords('AS');
      items.push({ kind: 'alias', name: s.name(true), expr });
    }
  } while (s.acceptPunct(','));
  return items;
}

function parseSelectItem(s: TokenStream): SelectItem {
  const expr = parseExpression(s);
  const alias = expr.kind === 'star' ? undefined : s.alias();
  return alias === undefined ? { expr } : { expr, alias };
}

function parseRelation(s: TokenStream): Relation {
  if (s.acceptPunct('(')) {
    if (!startsQuery(s)) throw s.error('expected a subquery');
    const query = s.nested(() => parseQuery(s));
    s.expectPunct(')');
    const alias = s.alias();
    return alias === undefined ? { kind: 'subquery', query } : { kind: 'subquery', query, alias };
  }
  const first = s.name(s.isPunct('(', 1) || s.isPunct('.', 1));
  const database = s.acceptPunct('.') ? first : undefined;
  const name = database === undefined ? first : s.name(true);
  if (s.isPunct('('))
    throw new BiQueryError(
      446,
      `table function ${safeName(database === undefined ? name : `${database}.${name}`)} is not allowed: no table functions in a BI query`,
    );
  const alias = s.alias();
  return {
    kind: 'table',
    ...(database === undefined ? {} : { database }),
    name,
    ...(alias === undefined ? {} : { alias }),
  };
}

const JOIN_WORDS: Array<[JoinType, string[]]> = [
  ['CROSS', ['CROSS', 'JOIN']],
  ['INNER', ['INNER', 'JOIN']],
  ['INNER', ['JOIN']],
  ['LEFT', ['LEFT', 'OUTER', 'JOIN']],
  ['LEFT', ['LEFT', 'JOIN']],
  ['RIGHT', ['RIGHT', 'OUTER', 'JOIN']],
  ['RIGHT', ['RIGHT', 'JOIN']],
  ['FULL', ['FULL', 'OUTER', 'JOIN']],
  ['FULL', ['FULL', 'JOIN']],
];

function parseJoin(s: TokenStream): Join | undefined {
  if (s.acceptPunct(',')) return { kind: 'join', type: 'COMMA', relation: parseRelation(s) };
  const type = JOIN_WORDS.find(([, words]) => s.acceptWords(...words))?.[0];
  if (!type) return undefined;
  const relation = parseRelation(s);
  if (type === 'CROSS') return { kind: 'join', type, relation };
  if (s.acceptWords('ON')) return { kind: 'join', type, relation, on: parseExpression(s) };
  s.expectWords('USING');
  const parenthesised = s.acceptPunct('(');
  const using = [s.name()];
  while (s.acceptPunct(',')) using.push(s.name());
  if (parenthesised) s.expectPunct(')');
  return { kind: 'join', type, relation, using };
}

function parseFrom(s: TokenStream): FromClause {
  const from: FromClause = { kind: 'from', first: parseRelation(s), joins: [] };
  for (let join = parseJoin(s); join; join = parseJoin(s)) {
    from.joins.push(join);
    if (from.joins.length >= MAX_FROM_RELATIONS)
      throw new BiQueryError(168, `at most ${MAX_FROM_RELATIONS} tables may be joined in one FROM`);
  }
  return from;
}

function parseGroupBy(s: TokenStream): GroupBy {
  const items = [parseExpression(s)];
  while (s.acceptPunct(',')) items.push(parseExpression(s));
  const groupBy: GroupBy = { kind: 'groupBy', items, totals: false };
  if (s.acceptWords('WITH', 'ROLLUP')) groupBy.modifier = 'ROLLUP';
  else if (s.acceptWords('WITH', 'CUBE')) groupBy.modifier = 'CUBE';
  if (s.acceptWords('WITH', 'TOTALS')) groupBy.totals = true;
  return groupBy;
}

function parseOrderItem(s: TokenStream): OrderItem {
  const item: OrderItem = { kind: 'order', expr: parseExpression(s) };
  if (s.acceptWords('ASC') || s.acceptWords('ASCENDING')) item.direction = 'ASC';
  else if (s.acceptWords('DESC') || s.acceptWords('DESCENDING')) item.direction = 'DESC';
  if (s.acceptWords('NULLS', 'FIRST')) item.nulls = 'FIRST';
  else if (s.acceptWords('NULLS', 'LAST')) item.nulls = 'LAST';
  return item;
}

function unsignedInteger(s: TokenStream): string {
  const t = s.peek();
  if (t?.kind !== 'number' || !/^\d+$/.test(t.value)) throw s.error('expected a non-negative integer');
  s.next();
  return t.value.replace(/^0+(?=\d)/, '');
}

function parseLimit(s: TokenStream): Limit {
  const first = unsignedInteger(s);
  if (s.acceptPunct(',')) return { kind: 'limit', count: unsignedInteger(s), offset: first };
  if (s.acceptWords('OFFSET')) return { kind: 'limit', count: first, offset: unsignedInteger(s) };
  return { kind: 'limit', count: first };
}

function parseSelect(s: TokenStream): SelectQuery {
  const query: SelectQuery = {
    kind: 'select',
    with: s.acceptWords('WITH') ? parseWith(s) : [],
    distinct: false,
    items: [],
  };
  s.expectWords('SELECT');
  query.distinct = s.acceptWords('DISTINCT');
  do query.items.push(parseSelectItem(s));
  while (s.acceptPunct(','));
  if (s.acceptWords('FROM')) query.from = parseFrom(s);
  if (s.acceptWords('WHERE')) query.where = parseExpression(s);
  if (s.acceptWords('GROUP', 'BY')) query.groupBy = parseGroupBy(s);
  if (s.acceptWords('HAVING')) query.having = parseExpression(s);
  if (s.acceptWords('ORDER', 'BY')) {
    query.orderBy = [parseOrderItem(s)];
    while (s.acceptPunct(',')) query.orderBy.push(parseOrderItem(s));
  }
  if (s.acceptWords('LIMIT')) query.limit = parseLimit(s);
  refuseWritesAndSettings(s);
  return query;
}

function parseUnionMember(s: TokenStream): Query {
  if (!s.isPunct('(')) return parseSelect(s);
  s.next();
  const query = s.nested(() => parseQuery(s));
  s.expectPunct(')');
  return query;
}

/** A SELECT or a UNION of them. */
export function parseQuery(s: TokenStream): Query {
  const members = [parseUnionMember(s)];
  const modes: Array<'ALL' | 'DISTINCT'> = [];
  while (s.acceptWords('UNION')) {
    if (s.acceptWords('ALL')) modes.push('ALL');
    else if (s.acceptWords('DISTINCT')) modes.push('DISTINCT');
    else throw s.error('expected ALL or DISTINCT after UNION');
    members.push(parseUnionMember(s));
  }
  return members.length === 1 ? members[0] : { kind: 'union', members, modes };
}

/** Levels of `kind` nodes in a tree. */
function depthOf(node: unknown): number {
  if (Array.isArray(node)) return Math.max(0, ...node.map(depthOf));
  if (node === null || typeof node !== 'object') return 0;
  const below = Math.max(0, ...Object.values(node).map(depthOf));
  return 'kind' in node ? below + 1 : below;
}

/**
 * Parses one statement: a query, an optional `FORMAT name`, optional trailing semicolons. Throws
 * BiQueryError for anything else: several statements, non-SELECTs, SETTINGS, INTO OUTFILE, table
 * functions, a tree deeper than MAX_AST_DEPTH, or any syntax outside the subset.
 */
export function parseStatement(sql: string): ParsedStatement {
  const s = new TokenStream(tokenizeSql(sql));
  s.parseQuery = parseQuery;
  if (s.done()) throw new BiQueryError(62, 'empty query');
  if (!startsQuery(s)) throw new BiQueryError(164, 'only SELECT queries are allowed on the BI interface');
  const query = parseQuery(s);
  refuseWritesAndSettings(s);
  const format = s.acceptWords('FORMAT') ? s.name(true) : undefined;
  refuseWritesAndSettings(s);
  if (s.acceptPunct(';')) {
    while (s.acceptPunct(';'));
    if (!s.done()) throw new BiQueryError(62, 'one statement per request: multi-statements are not allowed');
  }
  if (!s.done()) throw s.error('expected the end of the query');
  if (depthOf(query) > MAX_AST_DEPTH)
    throw new BiQueryError(167, `query is nested more than ${MAX_AST_DEPTH} levels deep`);
  return format === undefined ? { query } : { query, format };
}
