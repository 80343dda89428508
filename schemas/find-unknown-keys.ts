/**
 * Strict configuration: every key of a config file must be a field of the schema. zod would drop an
 * unknown key silently (`"site"` for `"sites"` ran the default store); this walks the value along
 * the schema and names each stray key with the nearest known one.
 */
import type { z } from 'zod';

export interface UnknownKey {
  /** Where the key is, e.g. `api.requestsPerMinut`. */
  path: Array<string | number>;
  /** The closest known key at that place, when one is close enough to be a typo. */
  suggestion?: string;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known key nearest to `key`, if within a third of its length (at least 2 edits). */
export function nearestKey(key: string, known: string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(key, k);
    if (!best || d < best.d) best = { key: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

/** Every key of `value` the schema does not define, depth first. */
export function findUnknownKeys(schema: z.ZodType, value: unknown, path: Array<string | number> = []): UnknownKey[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return findUnknownKeys(def.innerType as z.ZodType, value, path);
    case 'pipe':
      return findUnknownKeys(def.in as z.ZodType, value, path);
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((v, i) => findUnknownKeys(def.element as z.ZodType, v, [...path, i]))
        : [];
    case 'record':
      return isPlainObject(value)
        ? Object.entries(value).flatMap(([k, v]) => findUnknownKeys(def.valueType as z.ZodType, v, [...path, k]))
        : [];
    case 'union':
      return unionUnknownKeys(def.options as z.ZodType[], value, path);
    case 'object': {
      if (!isPlainObject(value)) return [];
      const shape = def.shape as Record<string, z.ZodType>;
      const known = Object.keys(shape);
      return Object.entries(value).flatMap(([k, v]) =>
        k in shape
          ? findUnknownKeys(shape[k], v, [...path, k])
          : [{ path: [...path, k], suggestion: nearestKey(k, known) }],
      );
    }
    default:
      return [];
  }
}

/** A union's value is checked against the option it fits best: the fewest unknown keys, then the most that look like typos of that option's keys. */
function unionUnknownKeys(options: z.ZodType[], value: unknown, path: Array<string | number>): UnknownKey[] {
  const score = (found: UnknownKey[]) => 2 * found.length + found.filter((u) => !u.suggestion).length;
  let best: UnknownKey[] | undefined;
  for (const option of options) {
    const found = findUnknownKeys(option, value, path);
    if (!best || score(found) < score(best)) best = found;
  }
  return best ?? [];
}
