/**
 * The allow-list check over a parsed BI query. It returns the tree to print: function and type
 * names in their listed spelling, tables resolved (CTEs renamed, metadata tables replaced by
 * their restricted subqueries, qualified columns rewritten to aliases). Nothing here evaluates
 * anything; a name that is not listed is refused.
 */
import { ARRAY_JOIN, lookupFunction, lookupType } from './bi-allow-list.ts';
import { BiQueryError, safeName } from './bi-query-error.ts';
import {
  childScope,
  fromSubqueryScope,
  registerSubquery,
  resolvePath,
  resolveTable,
  type Scope,
} from './resolve-relations.ts';
import type { Expr, FromClause, Query, Relation, SelectQuery, TypeArg, TypeExpr, WithItem } from './sql-ast.ts';

const LITERALS = new Set(['number', 'string', 'null', 'bool']);

function checkType(t: TypeExpr): TypeExpr {
  const name = lookupType(t.name);
  if (!name) throw new BiQueryError(50, `type ${safeName(t.name)} is not allowed in a BI query`);
  return { kind: 'type', name, args: t.args.map(checkTypeArg) };
}

function checkTypeArg(a: TypeArg): TypeArg {
  if (a.kind === 'type') return checkType(a);
  if (a.kind === 'namedType') return { ...a, type: checkType(a.type) };
  return a;
}

class BiQueryChecker {
  /** CTEs are printed as `_cte_<n>`, numbered across the whole query (see withItems). */
  private ctes = 0;
  private arrayJoins = 0;

  query(q: Query, outer: Scope | undefined): Query {
    if (q.kind === 'select') return this.select(q, outer).query;
    const [first, ...rest] = q.members;
    const head =
      first.kind === 'select' ? this.select(first, outer) : { query: this.query(first, outer), scope: undefined };
    // ClickHouse propagates the WITH of a union's first SELECT to the other members.
    const restScope: Scope | undefined = head.scope ? { ctes: head.scope.ctes, relations: [], parent: outer } : outer;
    return { kind: 'union', members: [head.query, ...rest.map((m) => this.query(m, restScope))], modes: q.modes };
  }

  /**
   * CTEs are renamed `_cte_<n>` in the printed SQL, so that a name this checker resolved to a CTE
   * can never be read by ClickHouse as a table of the same name, whatever ClickHouse's own
   * scoping rules (global WITH propagation, a CTE's body not seeing itself): `WITH visits AS
   * (SELECT 1) SELECT * FROM (SELECT * FROM visits)` reads `_cte_1` or nothing, never `visits`.
   */
  private withItems(items: WithItem[], scope: Scope): WithItem[] {
    return items.map((w) => {
      if (w.kind === 'alias') return w;
      const query = this.query(w.query, scope);
      const printed = `_cte_${++this.ctes}`;
      scope.ctes.set(w.name, printed);
      return { kind: 'cte', name: printed, query };
    });
  }

  private relation(r: Relation, scope: Scope): Relation {
    if (r.kind === 'table') return resolveTable(r, scope);
    registerSubquery(r.alias, scope);
    const query = this.query(r.query, fromSubqueryScope(scope));
    return r.alias === undefined ? { kind: 'subquery', query } : { kind: 'subquery', query, alias: r.alias };
  }

  private from(f: FromClause, scope: Scope): FromClause {
    const first = this.relation(f.first, scope);
    const relations = f.joins.map((j) => this.relation(j.relation, scope));
    const joins = f.joins.map((j, i) => ({
      ...j,
      relation: relations[i],
      ...(j.on ? { on: this.expr(j.on, scope) } : {}),
    }));
    return { kind: 'from', first, joins };
  }

  private select(q: SelectQuery, outer: Scope | undefined): { query: SelectQuery; scope: Scope } {
    const scope: Scope = { ctes: new Map(), relations: [], parent: outer };
    const withItems = this.withItems(q.with, scope);
    const checked: SelectQuery = { kind: 'select', with: [], distinct: q.distinct, items: [] };
    if (q.from) checked.from = this.from(q.from, scope);
    checked.with = withItems.map((w) => (w.kind === 'alias' ? { ...w, expr: this.expr(w.expr, scope) } : w));
    checked.items = q.items.map((i) => ({
      ...i,
      expr: i.expr.kind === 'star' ? this.star(i.expr, scope) : this.expr(i.expr, scope),
    }));
    if (q.where) checked.where = this.expr(q.where, scope);
    if (q.groupBy) checked.groupBy = { ...q.groupBy, items: q.groupBy.items.map((e) => this.expr(e, scope)) };
    if (q.having) checked.having = this.expr(q.having, scope);
    if (q.orderBy) checked.orderBy = q.orderBy.map((o) => ({ ...o, expr: this.expr(o.expr, scope) }));
    if (q.limit) checked.limit = q.limit;
    return { query: checked, scope };
  }

  private star(e: Extract<Expr, { kind: 'star' }>, scope: Scope): Expr {
    return { kind: 'star', qualifier: resolvePath(e.qualifier, scope, false) };
  }

  private call(e: Extract<Expr, { kind: 'call' }>, scope: Scope): Expr {
    const fn = lookupFunction(e.name);
    if (!fn) throw new BiQueryError(446, `function ${safeName(e.name)} is not allowed in a BI query`);
    if (fn.name === ARRAY_JOIN) {
      const [array] = e.args;
      if (e.args.length !== 1 || array.kind !== 'array' || !array.items.every((i) => LITERALS.has(i.kind))) {
        throw new BiQueryError(446, 'arrayJoin is only allowed over an array literal of constants');
      }
      if (++this.arrayJoins > 1) throw new BiQueryError(446, 'arrayJoin is allowed once per query');
    }
    if (e.params && !fn.parametric) throw new BiQueryError(62, `function ${fn.name} takes no parameters`);
    if (e.distinct && !fn.aggregate) throw new BiQueryError(62, `function ${fn.name} takes no DISTINCT`);
    if (e.params && !e.params.every((p) => p.kind === 'number'))
      throw new BiQueryError(62, `the parameters of ${fn.name} must be numbers`);
    const countStar =
      fn.name === 'count' && e.args.length === 1 && e.args[0].kind === 'star' && e.args[0].qualifier.length === 0;
    const args = countStar ? e.args : e.args.map((a) => this.expr(a, scope));
    return { kind: 'call', name: fn.name, ...(e.params ? { params: e.params } : {}), args, distinct: e.distinct };
  }

  expr(e: Expr, scope: Scope): Expr {
    const sub = (x: Expr) => this.expr(x, scope);
    switch (e.kind) {
      case 'number':
      case 'string':
      case 'null':
      case 'bool':
        return e;
      case 'column':
        return { kind: 'column', parts: resolvePath(e.parts, scope, true) };
      case 'star':
        throw new BiQueryError(62, '* is only allowed as a select item or in count(*)');
      case 'call':
        return this.call(e, scope);
      case 'not':
      case 'negate':
        return { ...e, operand: sub(e.operand) };
      case 'logical':
        return { ...e, operands: e.operands.map(sub) };
      case 'chain':
        return { ...e, first: sub(e.first), rest: e.rest.map((r) => ({ op: r.op, operand: sub(r.operand) })) };
      case 'compare':
        return { ...e, left: sub(e.left), right: sub(e.right) };
      case 'in': {
        // ClickHouse reads `x IN (name)` and `x IN (db.name)` as a table.
        if (e.values?.length === 1 && e.values[0].kind === 'column')
          throw new BiQueryError(60, 'IN takes a list of values or a subquery, not a name');
        const set = e.query ? { query: this.query(e.query, childScope(scope)) } : { values: (e.values ?? []).map(sub) };
        return { kind: 'in', negated: e.negated, operand: sub(e.operand), ...set };
      }
      case 'between':
        return { ...e, operand: sub(e.operand), low: sub(e.low), high: sub(e.high) };
      case 'isNull':
        return { ...e, operand: sub(e.operand) };
      case 'case':
        return {
          kind: 'case',
          ...(e.operand ? { operand: sub(e.operand) } : {}),
          branches: e.branches.map((b) => ({ when: sub(b.when), then: sub(b.then) })),
          ...(e.otherwise ? { otherwise: sub(e.otherwise) } : {}),
        };
      case 'ternary':
        return { ...e, condition: sub(e.condition), then: sub(e.then), otherwise: sub(e.otherwise) };
      case 'cast':
        return { kind: 'cast', operand: sub(e.operand), type: checkType(e.type) };
      case 'array':
      case 'tuple':
        return { ...e, items: e.items.map(sub) };
      case 'element':
        return { ...e, operand: sub(e.operand), index: sub(e.index) };
      case 'subquery':
        return { kind: 'subquery', query: this.query(e.query, childScope(scope)) };
    }
  }
}

/**
 * Checks a parsed query against the allow-lists and returns the tree to print. Throws
 * BiQueryError (60/81 for tables and databases, 446 for functions and table functions, 50 for
 * types, 47 for unresolvable qualified names, 62 for misplaced syntax).
 */
export function checkBiAst(query: Query): Query {
  return new BiQueryChecker().query(query, undefined);
}
