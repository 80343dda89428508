/**
 * The typed tree of the ClickHouse SELECT subset BI tools send. Every node the parser builds has
 * a `kind`; the checker returns a tree of the same types and the printer prints only these.
 */

/** A SELECT, or several joined by UNION (each member keeps its own clauses, as in ClickHouse). */
export type Query = SelectQuery | UnionQuery;

export interface UnionQuery {
  kind: 'union';
  members: Query[];
  /** How member i+1 is joined to what precedes it. */
  modes: Array<'ALL' | 'DISTINCT'>;
}

export interface SelectQuery {
  kind: 'select';
  with: WithItem[];
  distinct: boolean;
  items: SelectItem[];
  from?: FromClause;
  where?: Expr;
  groupBy?: GroupBy;
  having?: Expr;
  orderBy?: OrderItem[];
  limit?: Limit;
}

/** `WITH name AS (query)` (a common table expression) or `WITH expr AS name` (an expression alias). */
export type WithItem = { kind: 'cte'; name: string; query: Query } | { kind: 'alias'; name: string; expr: Expr };

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

export interface FromClause {
  kind: 'from';
  first: Relation;
  joins: Join[];
}

/** COMMA is `FROM a, b`; the others are `[type] JOIN` (OUTER is implied and dropped). */
export type JoinType = 'COMMA' | 'CROSS' | 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

export interface Join {
  kind: 'join';
  type: JoinType;
  relation: Relation;
  on?: Expr;
  using?: string[];
}

export type Relation =
  | { kind: 'table'; database?: string; name: string; alias?: string }
  | { kind: 'subquery'; query: Query; alias?: string };

export interface GroupBy {
  kind: 'groupBy';
  items: Expr[];
  modifier?: 'ROLLUP' | 'CUBE';
  totals: boolean;
}

export interface OrderItem {
  kind: 'order';
  expr: Expr;
  direction?: 'ASC' | 'DESC';
  nulls?: 'FIRST' | 'LAST';
}

/** Unsigned integer literals as written (digits only). */
export interface Limit {
  kind: 'limit';
  count: string;
  offset?: string;
}

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'NOT LIKE' | 'NOT ILIKE';
/** Left-associative operators of one precedence level, kept as a flat chain. */
export type ChainOp = '||' | '+' | '-' | '*' | '/' | '%';

export type Expr =
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  /** `a`, `t.a`, `db.t.a`: names as written (unquoted). */
  | { kind: 'column'; parts: string[] }
  /** `*` (qualifier empty) or `t.*`. */
  | { kind: 'star'; qualifier: string[] }
  /** `f(args)`, `f(DISTINCT args)`, parametric `f(params)(args)`; `INTERVAL 1 DAY` is `toIntervalDay(1)`. */
  | { kind: 'call'; name: string; params?: Expr[]; args: Expr[]; distinct: boolean }
  | { kind: 'not'; operand: Expr }
  | { kind: 'negate'; operand: Expr }
  | { kind: 'logical'; op: 'AND' | 'OR'; operands: Expr[] }
  | { kind: 'chain'; first: Expr; rest: Array<{ op: ChainOp; operand: Expr }> }
  | { kind: 'compare'; op: ComparisonOp; left: Expr; right: Expr }
  /** `x [NOT] IN (values)` or `x [NOT] IN (query)`. */
  | { kind: 'in'; negated: boolean; operand: Expr; values?: Expr[]; query?: Query }
  | { kind: 'between'; negated: boolean; operand: Expr; low: Expr; high: Expr }
  | { kind: 'isNull'; negated: boolean; operand: Expr }
  | { kind: 'case'; operand?: Expr; branches: Array<{ when: Expr; then: Expr }>; otherwise?: Expr }
  | { kind: 'ternary'; condition: Expr; then: Expr; otherwise: Expr }
  | { kind: 'cast'; operand: Expr; type: TypeExpr }
  | { kind: 'array'; items: Expr[] }
  /** Two or more items. */
  | { kind: 'tuple'; items: Expr[] }
  | { kind: 'element'; operand: Expr; index: Expr }
  /** A scalar subquery. */
  | { kind: 'subquery'; query: Query };

/** A data type: `Nullable(String)`, `Decimal(10, 2)`, `DateTime('UTC')`, `Tuple(a UInt8)`, `Enum8('a' = 1)`. */
export interface TypeExpr {
  kind: 'type';
  name: string;
  args: TypeArg[];
}

export type TypeArg =
  | TypeExpr
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'namedType'; name: string; type: TypeExpr }
  | { kind: 'enumValue'; name: string; value: string };
