/**
 * Recursive descent over ClickHouse expressions, with ClickHouse's operator precedence (lowest
 * first): `?:`, OR, AND, NOT, IS [NOT] NULL, [NOT] BETWEEN, comparisons/LIKE/IN, `||`, `+ -`,
 * `* / %`, unary minus, then `x[i]` and `x::T`. Anything outside this grammar is a syntax error.
 */
import { BiQueryError, safeName } from './bi-query-error.ts';
import type { ChainOp, ComparisonOp, Expr, TypeArg, TypeExpr } from './sql-ast.ts';
import type { TokenStream } from './token-stream.ts';

const INTERVAL_UNITS = ['SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];
const COMPARISONS: Record<string, ComparisonOp> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** Whether a subquery starts at `ahead`: SELECT, WITH, or a parenthesised one. */
export function startsQuery(s: TokenStream, ahead = 0): boolean {
  let at = ahead;
  while (s.isPunct('(', at)) at++;
  return s.isWord('SELECT', at) || s.isWord('WITH', at);
}

/** One expression, as long as the grammar allows. */
export function parseExpression(s: TokenStream): Expr {
  return s.nested(() => parseTernary(s));
}

function parseTernary(s: TokenStream): Expr {
  const condition = parseLogical(s, 'OR');
  if (!s.acceptPunct('?')) return condition;
  const then = parseExpression(s);
  s.expectPunct(':');
  return { kind: 'ternary', condition, then, otherwise: parseExpression(s) };
}

function parseLogical(s: TokenStream, op: 'AND' | 'OR'): Expr {
  const operand = () => (op === 'OR' ? parseLogical(s, 'AND') : parseNot(s));
  const operands = [operand()];
  while (s.acceptWords(op)) operands.push(operand());
  return operands.length === 1 ? operands[0] : { kind: 'logical', op, operands };
}

function parseNot(s: TokenStream): Expr {
  if (!s.acceptWords('NOT')) return parseIsNull(s);
  return { kind: 'not', operand: s.nested(() => parseNot(s)) };
}

function parseIsNull(s: TokenStream): Expr {
  let operand = parseBetween(s);
  while (s.acceptWords('IS')) {
    const negated = s.acceptWords('NOT');
    s.expectWords('NULL');
    operand = { kind: 'isNull', negated, operand };
  }
  return operand;
}

function parseBetween(s: TokenStream): Expr {
  const operand = parseComparison(s);
  const negated = s.isWord('NOT') && s.isWord('BETWEEN', 1);
  if (!s.acceptWords(...(negated ? ['NOT', 'BETWEEN'] : ['BETWEEN']))) return operand;
  const low = parseChain(s, 0);
  s.expectWords('AND');
  return { kind: 'between', negated, operand, low, high: parseChain(s, 0) };
}

function comparisonOp(s: TokenStream): ComparisonOp | 'IN' | 'NOT IN' | undefined {
  const t = s.peek();
  if (t?.kind === 'punct' && t.value in COMPARISONS) {
    s.next();
    return COMPARISONS[t.value];
  }
  for (const words of [['LIKE'], ['ILIKE'], ['NOT', 'LIKE'], ['NOT', 'ILIKE'], ['IN'], ['NOT', 'IN']]) {
    if (s.acceptWords(...words)) return words.join(' ') as ComparisonOp | 'IN' | 'NOT IN';
  }
  return undefined;
}

function parseComparison(s: TokenStream): Expr {
  let left = parseChain(s, 0);
  for (let op = comparisonOp(s); op; op = comparisonOp(s)) {
    if (op === 'IN' || op === 'NOT IN') left = parseIn(s, left, op === 'NOT IN');
    else left = { kind: 'compare', op, left, right: parseChain(s, 0) };
  }
  return left;
}

/** The right side of IN is always parenthesised: a subquery or a list of values, never a bare name (ClickHouse reads that as a table). */
function parseIn(s: TokenStream, operand: Expr, negated: boolean): Expr {
  if (!s.isPunct('(')) throw s.error('expected "(" with a list of values or a subquery after IN');
  if (startsQuery(s, 1) && !s.isPunct('(', 1)) {
    s.next();
    const query = s.nested(() => s.parseQuery(s));
    s.expectPunct(')');
    return { kind: 'in', negated, operand, query };
  }
  s.next();
  const values = parseList(s, ')');
  return { kind: 'in', negated, operand, values };
}

const CHAIN_LEVELS: ChainOp[][] = [['||'], ['+', '-'], ['*', '/', '%']];

function parseChain(s: TokenStream, level: number): Expr {
  const operand = () => (level + 1 < CHAIN_LEVELS.length ? parseChain(s, level + 1) : parseUnary(s));
  const first = operand();
  const rest: Array<{ op: ChainOp; operand: Expr }> = [];
  for (;;) {
    const op = CHAIN_LEVELS[level].find((o) => s.isPunct(o));
    if (!op) break;
    s.next();
    rest.push({ op, operand: operand() });
  }
  return rest.length ? { kind: 'chain', first, rest } : first;
}

function parseUnary(s: TokenStream): Expr {
  if (!s.acceptPunct('-')) return parsePostfix(s, parsePrimary(s));
  // Like ClickHouse, `-` right before a number is part of the literal (`-1` is Int8 -1, and
  // `-1[1]` indexes it); before anything else it is negate(): `-(1)`, `-x`.
  const t = s.peek();
  if (t?.kind !== 'number') return { kind: 'negate', operand: s.nested(() => parseUnary(s)) };
  s.next();
  return parsePostfix(s, { kind: 'number', text: `-${t.value}` });
}

function parsePostfix(s: TokenStream, primary: Expr): Expr {
  let e = primary;
  for (;;) {
    if (s.acceptPunct('[')) {
      const index = parseExpression(s);
      s.expectPunct(']');
      e = { kind: 'element', operand: e, index };
    } else if (s.acceptPunct('::')) {
      e = { kind: 'cast', operand: e, type: parseType(s) };
    } else {
      return e;
    }
  }
}

/** Comma-separated expressions up to `close` (consumed); may be empty. */
function parseList(s: TokenStream, close: string): Expr[] {
  const items: Expr[] = [];
  if (s.acceptPunct(close)) return items;
  do items.push(parseExpression(s));
  while (s.acceptPunct(','));
  s.expectPunct(close);
  return items;
}

function parsePrimary(s: TokenStream): Expr {
  const t = s.peek();
  if (!t) throw s.error('expected an expression');
  if (t.kind === 'number' || t.kind === 'string') {
    s.next();
    return t.kind === 'number' ? { kind: 'number', text: t.value } : { kind: 'string', value: t.value };
  }
  if (s.acceptPunct('*')) return { kind: 'star', qualifier: [] };
  if (s.acceptPunct('[')) return { kind: 'array', items: s.nested(() => parseList(s, ']')) };
  if (s.acceptPunct('(')) return s.nested(() => parseParenthesised(s));
  if (t.kind === 'word' && !s.isPunct('(', 1)) {
    if (s.acceptWords('NULL')) return { kind: 'null' };
    if (s.acceptWords('TRUE')) return { kind: 'bool', value: true };
    if (s.acceptWords('FALSE')) return { kind: 'bool', value: false };
  }
  if (s.acceptWords('INTERVAL')) return parseInterval(s);
  if (s.acceptWords('CASE')) return s.nested(() => parseCase(s));
  if (s.isWord('CAST') && s.isPunct('(', 1)) return s.nested(() => parseCast(s));
  if (t.kind === 'quoted' || (t.kind === 'word' && (s.isName() || s.isPunct('(', 1)))) return parseNameOrCall(s);
  throw s.error('expected an expression');
}

function parseParenthesised(s: TokenStream): Expr {
  if (s.isWord('SELECT') || s.isWord('WITH')) {
    const query = s.parseQuery(s);
    s.expectPunct(')');
    return { kind: 'subquery', query };
  }
  const items = parseList(s, ')');
  if (items.length === 0) throw s.error('expected an expression in parentheses');
  return items.length === 1 ? items[0] : { kind: 'tuple', items };
}

/** `INTERVAL n UNIT` is ClickHouse's spelling of `toIntervalUnit(n)`, and is kept as that call. */
function parseInterval(s: TokenStream): Expr {
  const value = s.nested(() => parseUnary(s));
  const unit = s.peek()?.kind === 'word' ? s.peek()!.value.toUpperCase() : '';
  if (!INTERVAL_UNITS.includes(unit)) throw s.error(`expected an interval unit (${INTERVAL_UNITS.join(', ')})`);
  s.next();
  return { kind: 'call', name: `toInterval${unit[0]}${unit.slice(1).toLowerCase()}`, args: [value], distinct: false };
}

function parseCase(s: TokenStream): Expr {
  const operand = s.isWord('WHEN') ? undefined : parseExpression(s);
  const branches: Array<{ when: Expr; then: Expr }> = [];
  while (s.acceptWords('WHEN')) {
    const when = parseExpression(s);
    s.expectWords('THEN');
    branches.push({ when, then: parseExpression(s) });
  }
  if (branches.length === 0) throw s.error('expected WHEN');
  const otherwise = s.acceptWords('ELSE') ? parseExpression(s) : undefined;
  s.expectWords('END');
  return { kind: 'case', ...(operand ? { operand } : {}), branches, ...(otherwise ? { otherwise } : {}) };
}

function parseCast(s: TokenStream): Expr {
  s.expectWords('CAST');
  s.expectPunct('(');
  const operand = parseExpression(s);
  s.expectWords('AS');
  const type = parseType(s);
  s.expectPunct(')');
  return { kind: 'cast', operand, type };
}

/** A column path (`a`, `t.a`, `db.t.a`, `t.*`) or a call (`f(x)`, `f(DISTINCT x)`, `f(0.5)(x)`). */
function parseNameOrCall(s: TokenStream): Expr {
  const parts = [s.name(true)];
  while (s.acceptPunct('.')) {
    if (s.acceptPunct('*')) return { kind: 'star', qualifier: parts };
    parts.push(s.name(true));
  }
  if (!s.isPunct('(')) return { kind: 'column', parts };
  if (parts.length > 1)
    throw new BiQueryError(446, `function ${safeName(parts.join('.'))} is not allowed: functions cannot be qualified`);
  return s.nested(() => {
    s.next();
    let distinct = s.acceptWords('DISTINCT');
    let args = parseList(s, ')');
    let params: Expr[] | undefined;
    if (s.acceptPunct('(')) {
      if (distinct) throw s.error('DISTINCT belongs in the arguments, not the parameters');
      params = args;
      distinct = s.acceptWords('DISTINCT');
      args = parseList(s, ')');
    }
    return { kind: 'call', name: parts[0], ...(params ? { params } : {}), args, distinct };
  });
}

/** `Name`, `Name(args)`; args are types, numbers, strings, `name Type` (named tuple elements) or `'a' = 1` (enum values). */
function parseType(s: TokenStream): TypeExpr {
  const t = s.peek();
  if (t?.kind !== 'word') throw s.error('expected a type name');
  s.next();
  const args: TypeArg[] = [];
  if (s.acceptPunct('(')) {
    s.nested(() => {
      do args.push(parseTypeArg(s));
      while (s.acceptPunct(','));
      s.expectPunct(')');
    });
  }
  return { kind: 'type', name: t.value, args };
}

function parseTypeArg(s: TokenStream): TypeArg {
  const t = s.peek();
  if (t?.kind === 'number') {
    s.next();
    return { kind: 'number', text: t.value };
  }
  if (t?.kind === 'string') {
    s.next();
    if (!s.acceptPunct('=')) return { kind: 'string', value: t.value };
    const negative = s.acceptPunct('-');
    const n = s.next();
    if (n.kind !== 'number' || !/^\d+$/.test(n.value)) throw s.error('expected an integer enum value');
    return { kind: 'enumValue', name: t.value, value: negative ? `-${n.value}` : n.value };
  }
  if ((t?.kind === 'word' || t?.kind === 'quoted') && s.peek(1)?.kind === 'word') {
    const name = s.name(true);
    return { kind: 'namedType', name, type: parseType(s) };
  }
  return parseType(s);
}
