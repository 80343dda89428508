/**
 * The canonical printer: the SQL that runs is written from the checked tree, never copied from
 * the client. Identifiers are backquoted and escaped, strings re-escaped, numbers re-validated,
 * keywords upper-case, and every compound expression parenthesised, so that ClickHouse parses
 * exactly the tree that was checked.
 */
import type { Expr, FromClause, Query, Relation, SelectQuery, TypeArg, TypeExpr } from './sql-ast.ts';

export interface PrintOptions {
  /**
   * How to print a table named without a database (the BI tables once checked). Only the `/bi/`
   * route on the shared engine uses it, to bind each BI table to the caller's parameterized view
   * until BI runs in its own sandboxed engine; the result is inserted verbatim, so it must be
   * built with quoteIdentifier/quoteString.
   */
  relation?: (name: string) => string;
}

const NUMBER = /^-?(?:0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)$/;

/** `name` in backquotes; backquotes, backslashes and control characters escaped. */
export function quoteIdentifier(name: string): string {
  return `\`${escape(name, '`')}\``;
}

/** A string literal ClickHouse reads back as exactly `value`. */
export function quoteString(value: string): string {
  return `'${escape(value, "'")}'`;
}

function escape(text: string, quote: string): string {
  return text.replace(/[\\\x00-\x1f\x7f]|['`]/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === "'" || c === '`') return c === quote ? `\\${c}` : c;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

function printNumber(text: string): string {
  if (!NUMBER.test(text)) throw new Error(`not a number literal: ${JSON.stringify(text)}`);
  return text;
}

const path = (parts: string[]) => parts.map(quoteIdentifier).join('.');

function printType(t: TypeExpr): string {
  return t.args.length ? `${t.name}(${t.args.map(printTypeArg).join(', ')})` : t.name;
}

function printTypeArg(a: TypeArg): string {
  if (a.kind === 'number') return printNumber(a.text);
  if (a.kind === 'string') return quoteString(a.value);
  if (a.kind === 'namedType') return `${quoteIdentifier(a.name)} ${printType(a.type)}`;
  if (a.kind === 'enumValue') return `${quoteString(a.name)} = ${printNumber(a.value)}`;
  return printType(a);
}

class Printer {
  constructor(private readonly opts: PrintOptions) {}

  list(items: Expr[]): string {
    return items.map((e) => this.expr(e)).join(', ');
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'number':
        return printNumber(e.text);
      case 'string':
        return quoteString(e.value);
      case 'null':
        return 'NULL';
      case 'bool':
        return e.value ? 'true' : 'false';
      case 'column':
        return path(e.parts);
      case 'star':
        return e.qualifier.length ? `${path(e.qualifier)}.*` : '*';
      case 'call': {
        const params = e.params ? `(${this.list(e.params)})` : '';
        return `${quoteIdentifier(e.name)}${params}(${e.distinct ? 'DISTINCT ' : ''}${this.list(e.args)})`;
      }
      case 'not':
        return `(NOT ${this.expr(e.operand)})`;
      case 'negate':
        // `-(1)` stays negate(1); `- 1` would read back as the literal -1.
        return `(-(${this.expr(e.operand)}))`;
      case 'logical':
        return `(${e.operands.map((o) => this.expr(o)).join(` ${e.op} `)})`;
      case 'chain':
        return `(${this.expr(e.first)}${e.rest.map((r) => ` ${r.op} ${this.expr(r.operand)}`).join('')})`;
      case 'compare':
        return `(${this.expr(e.left)} ${e.op} ${this.expr(e.right)})`;
      case 'in': {
        const set = e.query ? this.query(e.query) : this.list(e.values ?? []);
        return `(${this.expr(e.operand)} ${e.negated ? 'NOT IN' : 'IN'} (${set}))`;
      }
      case 'between':
        return `(${this.expr(e.operand)} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${this.expr(e.low)} AND ${this.expr(e.high)})`;
      case 'isNull':
        return `(${this.expr(e.operand)} ${e.negated ? 'IS NOT NULL' : 'IS NULL'})`;
      case 'case': {
        const branches = e.branches.map((b) => ` WHEN ${this.expr(b.when)} THEN ${this.expr(b.then)}`).join('');
        return `(CASE${e.operand ? ` ${this.expr(e.operand)}` : ''}${branches}${e.otherwise ? ` ELSE ${this.expr(e.otherwise)}` : ''} END)`;
      }
      case 'ternary':
        return `(${this.expr(e.condition)} ? ${this.expr(e.then)} : ${this.expr(e.otherwise)})`;
      case 'cast':
        return `CAST(${this.expr(e.operand)} AS ${printType(e.type)})`;
      case 'array':
        return `[${this.list(e.items)}]`;
      case 'tuple':
        return `(${this.list(e.items)})`;
      case 'element': {
        // `-1[1]` would read back as -(1[1]).
        const operand =
          e.operand.kind === 'number' && e.operand.text.startsWith('-') ? `(${e.operand.text})` : this.expr(e.operand);
        return `${operand}[${this.expr(e.index)}]`;
      }
      case 'subquery':
        return `(${this.query(e.query)})`;
    }
  }

  relation(r: Relation): string {
    const alias = r.alias === undefined ? '' : ` AS ${quoteIdentifier(r.alias)}`;
    if (r.kind === 'subquery') return `(${this.query(r.query)})${alias}`;
    if (r.database !== undefined) return `${path([r.database, r.name])}${alias}`;
    return `${this.opts.relation ? this.opts.relation(r.name) : quoteIdentifier(r.name)}${alias}`;
  }

  from(f: FromClause): string {
    const joins = f.joins.map((j) => {
      if (j.type === 'COMMA') return `, ${this.relation(j.relation)}`;
      const condition = j.on
        ? ` ON ${this.expr(j.on)}`
        : j.using
          ? ` USING (${j.using.map(quoteIdentifier).join(', ')})`
          : '';
      return ` ${j.type} JOIN ${this.relation(j.relation)}${condition}`;
    });
    return ` FROM ${this.relation(f.first)}${joins.join('')}`;
  }

  select(q: SelectQuery): string {
    const out: string[] = [];
    if (q.with.length) {
      const items = q.with.map((w) =>
        w.kind === 'cte'
          ? `${quoteIdentifier(w.name)} AS (${this.query(w.query)})`
          : `${this.expr(w.expr)} AS ${quoteIdentifier(w.name)}`,
      );
      out.push(`WITH ${items.join(', ')} `);
    }
    const items = q.items.map((i) =>
      i.alias === undefined ? this.expr(i.expr) : `${this.expr(i.expr)} AS ${quoteIdentifier(i.alias)}`,
    );
    out.push(`SELECT ${q.distinct ? 'DISTINCT ' : ''}${items.join(', ')}`);
    if (q.from) out.push(this.from(q.from));
    if (q.where) out.push(` WHERE ${this.expr(q.where)}`);
    if (q.groupBy) {
      const g = q.groupBy;
      out.push(
        ` GROUP BY ${this.list(g.items)}${g.modifier ? ` WITH ${g.modifier}` : ''}${g.totals ? ' WITH TOTALS' : ''}`,
      );
    }
    if (q.having) out.push(` HAVING ${this.expr(q.having)}`);
    if (q.orderBy) {
      const items = q.orderBy.map(
        (o) => `${this.expr(o.expr)}${o.direction ? ` ${o.direction}` : ''}${o.nulls ? ` NULLS ${o.nulls}` : ''}`,
      );
      out.push(` ORDER BY ${items.join(', ')}`);
    }
    if (q.limit)
      out.push(
        ` LIMIT ${printNumber(q.limit.count)}${q.limit.offset === undefined ? '' : ` OFFSET ${printNumber(q.limit.offset)}`}`,
      );
    return out.join('');
  }

  query(q: Query): string {
    if (q.kind === 'select') return this.select(q);
    return q.members
      .map(
        (m, i) =>
          `${i ? ` UNION ${q.modes[i - 1]} ` : ''}${m.kind === 'union' ? `(${this.query(m)})` : this.select(m)}`,
      )
      .join('');
  }
}

/** The canonical SQL of a query (no FORMAT clause: the caller adds the checked format). */
export function printQuery(query: Query, opts: PrintOptions = {}): string {
  return new Printer(opts).query(query);
}
