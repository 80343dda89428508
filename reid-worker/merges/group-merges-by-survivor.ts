/** Collapses a list of merges (possibly chained: A → B, then B → C) into each final survivor and the ids merged into it (pure). */
import type { IdentityMerge } from '../../identity-registry/index.ts';

/** Survivor → every id that now lives in it, applying the merges in order. */
export function groupMergesBySurvivor(merges: IdentityMerge[]): Map<string, string[]> {
  const into = new Map<string, string>();
  for (const m of merges) into.set(m.from, m.to);
  const survivorOf = (id: string): string => {
    const seen = new Set<string>();
    while (into.has(id) && !seen.has(id)) {
      seen.add(id);
      id = into.get(id)!;
    }
    return id;
  };
  const out = new Map<string, string[]>();
  for (const from of into.keys()) {
    const to = survivorOf(from);
    if (to !== from) out.set(to, [...(out.get(to) ?? []), from]);
  }
  return out;
}
