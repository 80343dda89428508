/** Suppression of where visitors go and how many are inside: top paths, transitions, occupancy. */
import type { TopPaths, Transitions } from '../queries/paths-and-transitions.ts';
import type { OccupancyNow } from '../queries/occupancy.ts';
import { HiddenFigures, isSmall, protectSum, type SuppressionMarks, type SumCell } from './small-counts.ts';

export interface PublishedTopPaths extends SuppressionMarks {
  visits: number | null;
  paths: Array<{ path: string[]; visits: number | null; share: number | null }>;
  rulesVersions: string[];
}

/** The camera pairs a path passes, as `from→to` keys. */
function pairsOf(path: string[]): Set<string> {
  return new Set(path.slice(1).map((to, i) => `${path[i]}\u0000${to}`));
}

/**
 * Top paths (at most `limit`, the most common first): small counts are hidden with their shares
 * and protected in two kinds of sums: all visits = the listed paths + the rest (the visits of the
 * paths not listed: known from the total, so it never covers a hidden path, and covered itself
 * when it is small), and, when every path is listed, each
 * camera pair's transitions (the transitions report) = the paths passing it. A path alone behind
 * a printed transition cannot be covered by other paths: a limit (docs/privacy.md). Fewer than
 * minCount visits hide the whole list.
 */
export function suppressTopPaths(p: TopPaths, limit: number, minCount: number): PublishedTopPaths {
  const few = isSmall(p.visits, minCount);
  const cells: SumCell[] = p.paths.map((x) => ({ value: x.visits, hidden: few || isSmall(x.visits, minCount) }));
  const listed = p.paths.reduce((s, x) => s + x.visits, 0);
  const sums: Array<{ total: SumCell; parts: SumCell[] }> = [
    {
      total: { value: p.visits, hidden: few },
      parts: [...cells, { value: p.visits - listed, hidden: isSmall(p.visits - listed, minCount), published: false }],
    },
  ];
  if (p.paths.length < limit) {
    const through = new Map<string, SumCell[]>();
    p.paths.forEach((x, i) =>
      pairsOf(x.path).forEach((pair) => through.set(pair, [...(through.get(pair) ?? []), cells[i]])),
    );
    for (const parts of through.values()) {
      const value = parts.reduce((s, c) => s + c.value, 0);
      sums.push({ total: { value, hidden: isSmall(value, minCount), published: false }, parts });
    }
  }
  for (let changed = true; changed; ) changed = sums.map((s) => protectSum(s.total, s.parts)).includes(true);

  const hidden = new HiddenFigures(minCount);
  return {
    visits: hidden.figure(p.visits, few, 'visits'),
    paths: p.paths.map((x, i) => ({
      path: x.path,
      visits: hidden.figure(x.visits, cells[i].hidden, 'paths', i, 'visits'),
      share: hidden.figure(x.share, cells[i].hidden, 'paths', i, 'share'),
    })),
    rulesVersions: p.rulesVersions,
    ...hidden.marks(),
  };
}

export interface PublishedTransitions extends SuppressionMarks {
  nodes: string[];
  links: Array<{ from: string; to: string; visits: number | null }>;
  rulesVersions: string[];
}

/** Transitions: a small count is hidden. No sum of transitions is published (a visit makes several). */
export function suppressTransitions(t: Transitions, minCount: number): PublishedTransitions {
  const hidden = new HiddenFigures(minCount);
  const links = t.links.map((l, i) => ({
    from: l.from,
    to: l.to,
    visits: hidden.figure(l.visits, isSmall(l.visits, minCount), 'links', i, 'visits'),
  }));
  return { nodes: t.nodes, links, rulesVersions: t.rulesVersions, ...hidden.marks() };
}

export interface PublishedOccupancy extends SuppressionMarks {
  /** `unidentified`: of the people, those seen at an entrance but not identified (estimated). */
  now: { people: number | null; unidentified: number | null; atMs: number };
  overDay: Array<{ at: string; people: number | null }>;
}

/**
 * Occupancy: a small number of people inside is hidden, now and per step. Steps overlap the same
 * visits, so no sum of them is a published count.
 */
export function suppressOccupancy(
  now: OccupancyNow,
  overDay: Array<{ at: string; people: number }>,
  minCount: number,
): PublishedOccupancy {
  const hidden = new HiddenFigures(minCount);
  return {
    now: {
      people: hidden.figure(now.people, isSmall(now.people, minCount), 'now', 'people'),
      unidentified: hidden.figure(
        now.unidentified,
        isSmall(now.unidentified, minCount) || isSmall(now.people, minCount),
        'now',
        'unidentified',
      ),
      atMs: now.atMs,
    },
    overDay: overDay.map((o, i) => ({
      at: o.at,
      people: hidden.figure(o.people, isSmall(o.people, minCount), 'overDay', i, 'people'),
    })),
    ...hidden.marks(),
  };
}
