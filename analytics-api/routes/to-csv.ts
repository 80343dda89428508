/** Rows to RFC 4180 CSV, for spreadsheet users: header from the first row, every value quoted when needed. */

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' > ') : String(v);
  // Leading =, +, - or @ would run as a formula in a spreadsheet: neutralise it.
  const safe = /^[=+\-@]/.test(s) && Number.isNaN(Number(s)) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}

/**
 * The rows with a last column `suppressed`: the names of the row's hidden fields (their cells are
 * empty), from the report's JSON Pointers under `table` — what JSON marks, CSV marks too.
 */
export function withSuppressedColumn(
  rows: Array<Record<string, unknown>>,
  suppressed: string[],
  table: string,
): Array<Record<string, unknown>> {
  return rows.map((row, i) => {
    const prefix = `${table}/${i}/`;
    return {
      ...row,
      suppressed: suppressed
        .filter((p) => p.startsWith(prefix))
        .map((p) => p.slice(prefix.length))
        .join(' '),
    };
  });
}
