/** The BI SQL checker: a real parser, an allow-list and a canonical printer (see docs/bi.md). */
export { BI_FORMATS, BI_TABLES, type BiFormat } from './bi-allow-list.ts';
export { BiQueryError } from './bi-query-error.ts';
export { checkBiQuery, checkBiTree, type CheckedBiQuery, type CheckedBiTree } from './check-bi-query.ts';
export { printQuery, quoteIdentifier, quoteString, type PrintOptions } from './print-sql.ts';
