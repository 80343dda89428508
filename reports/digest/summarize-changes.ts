/** The digest's plain-language summary: what changed against the previous period, in a few sentences. */
import type { DigestData, Metric } from './collect-digest-data.ts';
import { REFUSAL_TEXT } from '../coverage/index.ts';

const PREVIOUS: Record<string, string> = {
  day: 'the same day last week',
  week: 'the week before',
  month: 'the month before',
};

/** Relative change in %, or null when there is nothing to compare with (no data, or a hidden figure). */
export function changePct(m: Metric): number | null {
  return m.value !== null && m.previous !== null && m.previous > 0 ? (100 * (m.value - m.previous)) / m.previous : null;
}

/** Visitor and visit totals are hidden only for being small, so a hidden one reads "fewer than N". */
function countSentence(noun: string, m: Metric, previous: string, minCount: number): string {
  if (m.value === null) return `Fewer than ${minCount} ${noun}.`;
  if (m.previous === null) return `${m.value} ${noun}; ${previous} had fewer than ${minCount}.`;
  const pct = changePct(m);
  if (pct === null) return `${m.value} ${noun}; there is no data for ${previous} to compare with.`;
  if (Math.abs(pct) < 1) return `${m.value} ${noun}, about the same as ${previous}.`;
  return `${m.value} ${noun}, ${pct > 0 ? 'up' : 'down'} ${Math.abs(pct).toFixed(0)} % on ${previous} (${m.previous}).`;
}

function hourRange(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00–${String((hour + 1) % 24).padStart(2, '0')}:00`;
}

function withoutPrevious(h: DigestData['headline']): DigestData['headline'] {
  const drop = (m: Metric): Metric => ({ value: m.value, previous: null });
  return {
    visitors: drop(h.visitors),
    visits: drop(h.visits),
    returningRate: drop(h.returningRate),
    medianDwellS: drop(h.medianDwellS),
  };
}

/** Sentences in reading order; each stands alone. A hidden figure is said to be hidden, never guessed. */
export function summarizeChanges(d: DigestData): string[] {
  const previous = PREVIOUS[d.period.kind];
  const h = d.comparison.complete ? d.headline : withoutPrevious(d.headline);
  // No change is stated against a period that cannot carry one (not over, or not covered whole).
  const count = (noun: string, m: Metric) =>
    d.comparison.complete
      ? countSentence(noun, m, previous, d.minCount)
      : m.value === null
        ? `Fewer than ${d.minCount} ${noun}.`
        : `${m.value} ${noun}.`;
  const lines = [count('unique visitors', h.visitors), count('visits', h.visits)];
  if (!d.comparison.complete) lines.push(`No change is computed: ${REFUSAL_TEXT[d.comparison.reason!]}.`);
  if (h.visits.value !== null && h.visits.value > 0) {
    const rate = h.returningRate;
    if (rate.value === null) {
      lines.push(`The returning share is hidden: fewer than ${d.minCount} new or returning visits.`);
    } else {
      const points = rate.previous === null ? 0 : 100 * (rate.value - rate.previous);
      const trend =
        rate.previous !== null && (h.visits.previous ?? 0) > 0 && Math.abs(points) >= 1
          ? ` (${points > 0 ? 'up' : 'down'} ${Math.abs(points).toFixed(0)} point${Math.abs(points) < 1.5 ? '' : 's'})`
          : '';
      lines.push(`Returning visitors made ${(100 * rate.value).toFixed(0)} % of visits${trend}.`);
    }
    const dwell = h.medianDwellS;
    if (dwell.value === null) {
      lines.push(`The median visit length is hidden: fewer than ${d.minCount} visits.`);
    } else {
      const minutes = dwell.previous === null ? 0 : (dwell.value - dwell.previous) / 60;
      const dwellTrend =
        dwell.previous !== null && (h.visits.previous ?? 0) > 0 && Math.abs(minutes) >= 0.5
          ? ` (${minutes > 0 ? 'up' : 'down'} ${Math.abs(minutes).toFixed(1)} min)`
          : '';
      lines.push(`The median visit lasted ${(dwell.value / 60).toFixed(1)} min${dwellTrend}.`);
    }
  }
  const [busiest] = d.busiestHours;
  if (busiest) lines.push(`The busiest hour was ${hourRange(busiest.hour)} with ${busiest.visits} visits.`);
  const [top] = d.topPaths.paths;
  if (top)
    lines.push(
      `The most common route was ${top.path.join(' → ')}${top.share === null ? '' : ` (${(100 * top.share).toFixed(0)} % of visits)`}.`,
    );
  return lines;
}
