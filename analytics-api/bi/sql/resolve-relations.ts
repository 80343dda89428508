/**
 * Scopes of a BI query: which relation a name in FROM stands for (a CTE, a BI table, a metadata
 * table; anything else refused) and which relation a qualified column names.
 */
import { BI_TABLES, foldCase, METADATA_RELATIONS } from './bi-allow-list.ts';
import { BiQueryError, safeName } from './bi-query-error.ts';
import { parseStatement } from './parse-sql.ts';
import type { Relation } from './sql-ast.ts';

/** A relation visible to column references: its alias, and the table it reads if it is one. */
interface ScopeRelation {
  alias: string;
  /** BI or metadata table (matched case-insensitively) or CTE (matched exactly). */
  table?: { name: string; database?: 'default' | 'system'; cte: boolean };
}

/** What names mean inside one SELECT; `parent` is the enclosing SELECT for subqueries in expressions. */
export interface Scope {
  /** CTE name as written → the name it is printed under. */
  ctes: Map<string, string>;
  relations: ScopeRelation[];
  parent?: Scope;
}

/** The restricted subqueries the metadata tables are replaced by, parsed once from trusted text. */
const METADATA = new Map(Object.entries(METADATA_RELATIONS).map(([name, sql]) => [name, parseStatement(sql).query]));

const BI = new Map(BI_TABLES.map((t) => [foldCase(t), t as string]));

function cteNamed(scope: Scope | undefined, name: string): string | undefined {
  for (let s = scope; s; s = s.parent) {
    const printed = s.ctes.get(name);
    if (printed !== undefined) return printed;
  }
  return undefined;
}

/**
 * The relation to print for a table named in FROM, registered in `scope` for column references.
 * Every table name ends here: a CTE in scope, a BI table (bare or `default.`), a metadata table
 * (`system.tables` …, replaced by its restricted subquery); anything else throws.
 */
export function resolveTable(rel: Extract<Relation, { kind: 'table' }>, scope: Scope): Relation {
  const { database, name, alias } = rel;
  const db = database === undefined ? undefined : foldCase(database);
  if (db === undefined) {
    const cte = cteNamed(scope, name);
    if (cte !== undefined) {
      scope.relations.push({ alias: alias ?? name, table: { name, cte: true } });
      return { kind: 'table', name: cte, alias: alias ?? name };
    }
  }
  if (db === undefined || db === 'default') {
    const table = BI.get(foldCase(name));
    if (table === undefined)
      throw new BiQueryError(60, `table ${safeName(name)} is not readable here; BI tables: ${BI_TABLES.join(', ')}`);
    scope.relations.push({ alias: alias ?? table, table: { name: table, database: 'default', cte: false } });
    return { kind: 'table', name: table, alias: alias ?? table };
  }
  if (db === 'system') {
    const restricted = METADATA.get(foldCase(name));
    if (!restricted) throw new BiQueryError(60, `table system.${safeName(name)} is not readable here`);
    scope.relations.push({
      alias: alias ?? foldCase(name),
      table: { name: foldCase(name), database: 'system', cte: false },
    });
    return { kind: 'subquery', query: structuredClone(restricted), alias: alias ?? foldCase(name) };
  }
  if (db === 'information_schema')
    throw new BiQueryError(60, `table ${safeName(`${database}.${name}`)} is not readable here`);
  throw new BiQueryError(81, `database ${safeName(database!)} is not readable here`);
}

/** Registers a subquery in FROM (its columns are only reachable through its alias). */
export function registerSubquery(alias: string | undefined, scope: Scope): void {
  if (alias !== undefined) scope.relations.push({ alias });
}

function tableMatches(r: ScopeRelation, name: string): boolean {
  if (!r.table) return false;
  return r.table.cte ? r.table.name === name : r.table.name === foldCase(name);
}

/**
 * A qualified column or star path rewritten to its relation's alias: `system.tables.name` and
 * `tables.name` become `t.name` when FROM reads `system.tables AS t` (which is printed as a
 * subquery, so only the alias reaches it). A path of three or more parts must name a relation
 * in scope; shorter unknown qualifiers are left to ClickHouse (tuple elements, expression aliases).
 */
export function resolvePath(parts: string[], scope: Scope, column: boolean): string[] {
  const qualifierLength = column ? parts.length - 1 : parts.length;
  if (qualifierLength === 0) return parts;
  // Like ClickHouse: an alias wins over a table name, an inner scope over an outer one.
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.relations.some((r) => r.alias === parts[0])) return parts;
    const qualified = s.relations.find(
      (r) => qualifierLength >= 2 && r.table?.database === foldCase(parts[0]) && tableMatches(r, parts[1]),
    );
    if (qualified) return [qualified.alias, ...parts.slice(2)];
    const named = s.relations.find((r) => tableMatches(r, parts[0]));
    if (named) return [named.alias, ...parts.slice(1)];
  }
  if (qualifierLength >= 2)
    throw new BiQueryError(
      47,
      `unknown identifier ${safeName(parts.join('.'))}: a qualified name must name a table of the query`,
    );
  return parts;
}

/** A scope for a subquery in an expression: sees the enclosing CTEs and relations. */
export function childScope(parent: Scope): Scope {
  return { ctes: new Map(), relations: [], parent };
}

/** The outer scope of a subquery in FROM: the enclosing CTEs, not its sibling relations. */
export function fromSubqueryScope(scope: Scope): Scope {
  return { ctes: scope.ctes, relations: [], parent: scope.parent };
}
