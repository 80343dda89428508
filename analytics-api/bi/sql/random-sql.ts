/** Random SQL for property tests: a seeded generator and random queries of the BI grammar, with allowed and refused names mixed in. */
import { ALLOWED_SCALAR_FUNCTIONS, BI_TABLES } from './bi-allow-list.ts';
import { TABLE_FUNCTIONS } from './attack-corpus.ts';

/** A seeded generator (mulberry32), so that a failure reproduces. */
export function seededRandom(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

export type Random = ReturnType<typeof seededRandom>;

/** Names that are not allowed, mixed into random queries. */
export const REFUSED_FUNCTIONS = [...TABLE_FUNCTIONS.slice(0, 20), 'dictGet', 'getSetting', 'hostName'];

/** A random expression of the grammar, with allowed and refused names. */
function expression(r: Random, depth: number): string {
  if (depth <= 0 || r.next() < 0.25)
    return r.pick(["'a'", '1', '-1.5', 'NULL', 'visitors', 't.site_id', 'local_date', 'x']);
  const e = () => expression(r, depth - 1);
  switch (Math.floor(r.next() * 12)) {
    case 0:
      return `${e()} ${r.pick(['+', '-', '*', '/', '%', '||'])} ${e()}`;
    case 1:
      return `${e()} ${r.pick(['=', '!=', '<', '>=', 'LIKE', 'NOT ILIKE'])} ${e()}`;
    case 2:
      return `${e()} ${r.pick(['AND', 'OR'])} ${r.pick(['NOT ', ''])}${e()}`;
    case 3:
      return `${r.next() < 0.1 ? r.pick(REFUSED_FUNCTIONS) : r.pick(ALLOWED_SCALAR_FUNCTIONS)}(${e()}, ${e()})`;
    case 4:
      return `${e()} ${r.pick(['IN', 'NOT IN'])} (${r.next() < 0.5 ? `${e()}, ${e()}` : randomQuery(r, depth - 1)})`;
    case 5:
      return `CASE WHEN ${e()} THEN ${e()} ELSE ${e()} END`;
    case 6:
      return `CAST(${e()} AS ${r.pick(['Int32', 'Nullable(String)', 'Decimal(10, 2)', 'Tuple(a UInt8)', 'AggregateFunction(uniq, String)'])})`;
    case 7:
      return `(${randomQuery(r, depth - 1)})`;
    case 8:
      return `${e()} IS ${r.pick(['', 'NOT '])}NULL`;
    case 9:
      return `${e()} ? ${e()} : ${e()}`;
    case 10:
      return `[${e()}, ${e()}][1]`;
    default:
      return `(${e()}, ${e()})`;
  }
}

function relation(r: Random, depth: number): string {
  if (depth > 0 && r.next() < 0.2) return `(${randomQuery(r, depth - 1)}) AS t`;
  if (r.next() < 0.9) return `${r.pick(['', 'default.'])}${r.pick(BI_TABLES)} AS t`;
  return `${r.pick(['', 'default.', 'system.', 'other.'])}${r.pick(['visits', 'tables', 'cte', 'numbers(10)'])} AS t`;
}

/** A random SELECT of the grammar, `depth` levels of expressions and subqueries deep. */
export function randomQuery(r: Random, depth: number): string {
  const withClause = r.next() < 0.2 ? `WITH cte AS (${randomQuery(r, depth - 1)}) ` : '';
  const join =
    r.next() < 0.3
      ? ` ${r.pick([',', 'CROSS JOIN', 'LEFT JOIN'])} ${relation(r, depth)}${r.next() < 0.5 ? '' : ' ON 1'}`
      : '';
  return `${withClause}SELECT ${expression(r, depth)} AS c FROM ${relation(r, depth)}${join} WHERE ${expression(r, depth)} LIMIT 10`;
}
