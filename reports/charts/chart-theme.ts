/** Shared look of every chart, on screen and in PDF: one palette, readable type, no chart junk. */
import type { TopLevelSpec } from 'vega-lite';

/** How big a chart is drawn: the dashboard fills its container, the PDF gives pixels. */
export interface ChartSize {
  width?: number | 'container';
  height?: number;
}

/**
 * Every colour that carries meaning reaches 3:1 against white (WCAG 2.1 non-text contrast); the
 * grey of hidden figures is a placeholder, labelled in words wherever it appears.
 */
export const PALETTE = {
  visitors: '#1d4ed8',
  visits: '#0e7490',
  new: '#047857',
  returning: '#b45309',
  unidentified: '#7c3aed',
  neutral: '#4b5563',
  hidden: '#9ca3af',
  area: '#93c5fd',
};

/** A count axis: whole numbers only (no "0.5 people"). */
export const COUNT_AXIS = { tickMinStep: 1, format: 'd' } as const;

/** A published count in words: a total is only ever hidden for being small, so "fewer than N" is exact there. */
export function countText(n: number | null, minCount: number): string {
  return n === null ? `fewer than ${minCount}` : String(n);
}

/**
 * What a grey placeholder means, for subtitles and tooltips. A hidden figure is drawn up to
 * minCount, never as a zero: it is either small, or hidden so that a small one cannot be worked out.
 */
export function hiddenNote(minCount: number): string {
  return `grey: hidden, fewer than ${minCount} or would reveal such a count`;
}

/** The color of a datum: grey when its `hidden` field is true, else the given encoding. */
export function greyWhenHidden<T extends Record<string, unknown>>(
  encoding: T,
): T & { condition: Record<string, unknown> } {
  return { condition: { test: { field: 'hidden', equal: true }, value: PALETTE.hidden }, ...encoding };
}

const CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    labelColor: '#374151',
    titleColor: '#374151',
    gridColor: '#e5e7eb',
    domainColor: '#6b7280',
    tickColor: '#6b7280',
  },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' },
  title: {
    fontSize: 14,
    anchor: 'start',
    fontWeight: 'bold',
    color: '#111827',
    subtitleColor: '#4b5563',
    subtitleFontSize: 11,
  },
  background: 'white',
} as const;

/**
 * Adds the theme, a title, a text description (the SVG's accessible name; the dashboard also shows
 * the data as a table) and a size to a chart body. Width 'container' lets the dashboard resize it.
 */
export function themed(
  title: string,
  subtitle: string | string[],
  body: Record<string, unknown>,
  size: { width?: number | 'container'; height?: number } = {},
): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    description: [title, ...(Array.isArray(subtitle) ? subtitle : [subtitle])].join('. '),
    width: size.width ?? 'container',
    height: size.height ?? 220,
    config: CONFIG,
    ...body,
  } as TopLevelSpec;
}
