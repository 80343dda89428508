/**
 * The arithmetic attack on suppressed outputs: given every sum relation between figures and the
 * figures an attacker can read, which hidden figures follow exactly (Gaussian elimination over
 * all relations at once, not one relation at a time)?
 */

/** Σ coefficient × figure = constant, over named figures. */
export interface Relation {
  terms: Array<[figure: string, coefficient: number]>;
  constant?: number;
}

/** `total = Σ parts` as a relation. */
export function sumRelation(total: string, parts: string[]): Relation {
  return { terms: [[total, 1], ...parts.map((p): [string, number] => [p, -1])] };
}

const EPS = 1e-9;

/** The figures not in `known` whose value the relations fix, with that value. */
export function deriveHidden(relations: Relation[], known: ReadonlyMap<string, number>): Map<string, number> {
  const unknown = [...new Set(relations.flatMap((r) => r.terms.map(([f]) => f)).filter((f) => !known.has(f)))];
  const column = new Map(unknown.map((f, i) => [f, i]));
  const rows = relations.map((r) => {
    const coefficients = new Array<number>(unknown.length).fill(0);
    let rhs = r.constant ?? 0;
    for (const [f, c] of r.terms) {
      const v = known.get(f);
      if (v === undefined) coefficients[column.get(f)!] += c;
      else rhs -= c * v;
    }
    return { coefficients, rhs };
  });
  // Reduced row echelon form: a pivot variable whose row has no free variable left is determined.
  const pivots: Array<{ row: number; col: number }> = [];
  let next = 0;
  for (let col = 0; col < unknown.length && next < rows.length; col++) {
    let best = next;
    for (let r = next + 1; r < rows.length; r++)
      if (Math.abs(rows[r].coefficients[col]) > Math.abs(rows[best].coefficients[col])) best = r;
    if (Math.abs(rows[best].coefficients[col]) < EPS) continue;
    [rows[next], rows[best]] = [rows[best], rows[next]];
    const p = rows[next];
    const scale = p.coefficients[col];
    p.coefficients = p.coefficients.map((c) => c / scale);
    p.rhs /= scale;
    rows.forEach((r, i) => {
      if (i === next || Math.abs(r.coefficients[col]) < EPS) return;
      const factor = r.coefficients[col];
      r.coefficients = r.coefficients.map((c, j) => c - factor * p.coefficients[j]);
      r.rhs -= factor * p.rhs;
    });
    pivots.push({ row: next, col });
    next++;
  }
  const derived = new Map<string, number>();
  for (const { row, col } of pivots) {
    if (rows[row].coefficients.every((c, j) => j === col || Math.abs(c) < EPS))
      derived.set(unknown[col], Math.round(rows[row].rhs * 1e6) / 1e6);
  }
  return derived;
}
