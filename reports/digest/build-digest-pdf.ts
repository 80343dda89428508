/** Lays out a digest as an A4 PDF: headline with changes, summary, charts, busiest hours, definitions. */
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { existsSync } from 'node:fs';
import {
  dwellChart,
  footfallChart,
  newVsReturningChart,
  renderChartSvg,
  topPathsChart,
  transitionsChart,
} from '../charts/index.ts';
import type { DigestData, Metric } from './collect-digest-data.ts';
import { changePct, summarizeChanges } from './summarize-changes.ts';
import { REFUSAL_TEXT, type Comparison } from '../coverage/index.ts';

const MARGIN = 50;
const PAGE_W = 595.28; // A4 in points
const CONTENT_W = PAGE_W - 2 * MARGIN;
const FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const INK = '#111827';
const MUTED = '#6b7280';
/** Top paths printed: the first of the API's list, suppressed together with the rest of it. */
const TOP_PATHS_PRINTED = 5;

/** What each number means: printed on the last page so nobody has to guess. */
const DEFINITIONS = [
  'Unique visitors: distinct anonymous identities with at least one counted visit in the period, plus one for each visit seen but not identified. Staff and other enrolled groups are never counted.',
  'Visit: a run of sightings of one identity with no gap longer than the visit gap, ending at the store’s local midnight; visits shorter than the minimum visit are dropped as passers-by.',
  'Seen, not identified: a person an entrance camera saw whose face was too small, blurred or turned away to identify. Such visits are part of visits and footfall (estimated: unidentified entrance tracks, less those identified later inside, less the passers-by share of identified entries), never of new, returning, dwell or paths.',
  'Returning rate: share of identified visits by someone who had visited before (at any earlier time within retention); it and the paths rest on the identified share of visits given under the new-and-returning chart.',
  'Dwell: time from the first to the last sighting of a visit. Median: half of the visits were shorter.',
  'Paths: cameras in the order a visit passed them, repeats collapsed. Transitions: moves from one camera to the next.',
];

/** The accuracy line of the definitions: the figures' error bars and how they were obtained. */
function accuracyDefinition(d: DigestData): string {
  if (!d.intervals)
    return 'Accuracy: counts come from automatic face re-identification; their error bars are not given while a figure is hidden.';
  return `Accuracy: counts come from automatic face re-identification, which can merge two people or split one. The ranges under the figures are ${d.intervals.method}.`;
}

/** The privacy line of the definitions: what a hidden figure looks like and why. */
function hiddenDefinition(minCount: number): string {
  return `Hidden figures: a count of fewer than ${minCount} people or visits is never printed (“< ${minCount}”, or a grey bar drawn up to ${minCount}), nor a figure from which it could be worked out (“hidden”, grey). Changes against a hidden figure are not given.`;
}

function registerFonts(doc: PDFKit.PDFDocument): void {
  // DejaVu covers arrows, dashes and accented names; fall back to the built-in font if absent.
  if (existsSync(`${FONT_DIR}/DejaVuSans.ttf`)) {
    doc.registerFont('body', `${FONT_DIR}/DejaVuSans.ttf`);
    doc.registerFont('bold', `${FONT_DIR}/DejaVuSans-Bold.ttf`);
  } else {
    doc.registerFont('body', 'Helvetica');
    doc.registerFont('bold', 'Helvetica-Bold');
  }
}

/** The change line of a tile, e.g. "+10 % vs previous". */
function formatChange(m: Metric, unit: 'pct' | 'points' | 'min', comparison: Comparison): string {
  if (!comparison.complete) return REFUSAL_TEXT[comparison.reason!];
  if (m.value === null || m.previous === null) return 'change hidden';
  if (m.previous === 0 && unit !== 'points') return 'no previous data';
  const sign = m.value >= m.previous ? '+' : '−';
  if (unit === 'points') return `${sign}${Math.abs(100 * (m.value - m.previous)).toFixed(0)} pts vs previous`;
  if (unit === 'min') return `${sign}${Math.abs((m.value - m.previous) / 60).toFixed(1)} min vs previous`;
  const pct = changePct(m) ?? 0;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)} % vs previous`;
}

function drawTiles(doc: PDFKit.PDFDocument, d: DigestData, y: number): number {
  const h = d.headline;
  // Visitor and visit totals are hidden only for being small; a rate or a median may be hidden to protect one.
  const count = (n: number | null) => (n === null ? `< ${d.minCount}` : String(n));
  const i = d.intervals;
  const range = (r: { low: number; high: number } | undefined, f: (x: number) => string = String) =>
    r ? `\n90 % range ${f(r.low)}–${f(r.high)}` : '';
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  const tiles = [
    {
      label: 'Unique visitors',
      value: count(h.visitors.value),
      change: formatChange(h.visitors, 'pct', d.comparison) + range(i?.visitors),
    },
    {
      label: 'Visits',
      value: count(h.visits.value),
      change: formatChange(h.visits, 'pct', d.comparison) + range(i?.visits),
    },
    {
      label: 'Returning rate',
      value: h.returningRate.value === null ? 'hidden' : pct(h.returningRate.value),
      change: formatChange(h.returningRate, 'points', d.comparison) + range(i?.returningRate, pct),
    },
    {
      label: 'Median dwell',
      value: h.medianDwellS.value === null ? 'hidden' : `${(h.medianDwellS.value / 60).toFixed(1)} min`,
      change: formatChange(h.medianDwellS, 'min', d.comparison),
    },
  ];
  const gap = 10;
  const w = (CONTENT_W - 3 * gap) / 4;
  tiles.forEach((t, i) => {
    const x = MARGIN + i * (w + gap);
    doc.roundedRect(x, y, w, 82, 6).fill('#f3f4f6');
    doc
      .fillColor(MUTED)
      .font('body')
      .fontSize(9)
      .text(t.label, x + 10, y + 9, { width: w - 20 });
    doc
      .fillColor(INK)
      .font('bold')
      .fontSize(17)
      .text(t.value, x + 10, y + 25, { width: w - 20, lineBreak: false });
    doc
      .fillColor(MUTED)
      .font('body')
      .fontSize(8.5)
      .text(t.change, x + 10, y + 52, { width: w - 20 });
  });
  return y + 97;
}

async function drawChart(
  doc: PDFKit.PDFDocument,
  spec: Parameters<typeof renderChartSvg>[0],
  y: number,
): Promise<number> {
  const svg = await renderChartSvg(spec, CONTENT_W - 40);
  // Axis labels and legends make the SVG wider than its plot: scale the whole chart to the page.
  const svgWidth = Number(/width="([\d.]+)"/.exec(svg)?.[1] ?? CONTENT_W);
  const scale = Math.min(1, CONTENT_W / svgWidth);
  const height = Number(/height="([\d.]+)"/.exec(svg)?.[1] ?? 260) * scale;
  if (y + height > 842 - MARGIN - 20) {
    doc.addPage();
    y = MARGIN;
  }
  SVGtoPDF(doc, svg, MARGIN, y, {
    width: svgWidth * scale,
    height,
    preserveAspectRatio: 'xMinYMin meet',
    fontCallback: (_f, bold) => (bold ? 'bold' : 'body'),
  });
  return y + height + 14;
}

function drawFooters(doc: PDFKit.PDFDocument, d: DigestData): void {
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    // Footers sit inside the bottom margin; without this pdfkit would start a new page for them.
    doc.page.margins.bottom = 0;
    doc.fillColor(MUTED).font('body').fontSize(8);
    doc.text(`${d.site.name} · ${d.period.label}`, MARGIN, 842 - 35, { width: CONTENT_W / 2, lineBreak: false });
    doc.text(`page ${i + 1} of ${range.count}`, MARGIN + CONTENT_W / 2, 842 - 35, {
      width: CONTENT_W / 2,
      align: 'right',
      lineBreak: false,
    });
  }
}

const ALERT = '#b91c1c';

/** Lines under the title that qualify every figure: simulated data, silent cameras, hours not watched. */
function coverageNotes(d: DigestData): string[] {
  const notes: string[] = [];
  if (d.site.simulated) notes.push('SIMULATED DATA: this site is a simulation, not a real store.');
  if (d.silentCameras.length)
    notes.push(
      `Cameras silent now: ${d.silentCameras.join(', ')} (no heartbeat for a while: their hours read as no data).`,
    );
  if (!d.coverage.noData && d.coverage.coverage !== null && d.coverage.coverage < 0.99)
    notes.push(
      `The cameras watched ${Math.round(100 * d.coverage.coverage)} % of the period's camera-hours: figures cover only those.`,
    );
  return notes;
}

/** The page of a period with nothing to show: said in words, never as a page of zeros. */
function drawNoData(doc: PDFKit.PDFDocument, d: DigestData): void {
  doc.moveDown(2);
  doc.fillColor(INK).font('bold').fontSize(16).text('No data for this period', { width: CONTENT_W });
  doc.moveDown(0.5);
  const why =
    d.coverage.coverage === 0
      ? 'No camera of this site reported analysing frames during the period (no heartbeat), so nothing can be said about visitors: this is not zero visitors.'
      : 'Nothing was counted in this period and there is no camera heartbeat to show the cameras were running, so this is not reported as zero visitors.';
  doc.fillColor(INK).font('body').fontSize(11).text(why, { width: CONTENT_W });
  doc.moveDown(0.5);
  doc
    .fillColor(MUTED)
    .fontSize(10)
    .text(
      'Check that the camera workers are running (revisit ingest, /metrics: revisit_camera_silent) and that their site and camera ids match the configuration.',
      { width: CONTENT_W },
    );
}

/** Renders the digest; resolves with the PDF bytes. */
export async function buildDigestPdf(d: DigestData): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `Visitor digest ${d.site.name} ${d.period.label}`, Producer: 'Revisit' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  registerFonts(doc);

  const generated = new Date(d.generatedAtMs).toLocaleString('en-GB', {
    timeZone: d.site.timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  doc.fillColor(INK).font('bold').fontSize(20).text(`Visitor digest · ${d.site.name}`, MARGIN, MARGIN);
  doc
    .fillColor(MUTED)
    .font('body')
    .fontSize(10)
    .text(
      `${d.period.label}${d.coverage.partial ? ' · PARTIAL: the period is not over' : ''} · generated ${generated} (${d.site.timezone})`,
    );
  for (const note of coverageNotes(d)) doc.fillColor(ALERT).font('bold').fontSize(10).text(note, { width: CONTENT_W });
  if (d.coverage.noData) {
    drawNoData(doc, d);
    drawFooters(doc, d);
    doc.end();
    return done;
  }
  let y = drawTiles(doc, d, doc.y + 12);

  doc.fillColor(INK).font('bold').fontSize(12).text('What changed', MARGIN, y);
  doc
    .font('body')
    .fontSize(10)
    .fillColor(INK)
    .list(summarizeChanges(d), MARGIN + 4, doc.y + 4, { bulletRadius: 1.8, textIndent: 10, width: CONTENT_W - 10 });
  y = doc.y + 16;

  const by = d.footfallBy;
  y = await drawChart(doc, footfallChart(d.footfall, by), y);
  y = await drawChart(doc, newVsReturningChart(d.footfall, by), y);
  y = await drawChart(doc, dwellChart(d.dwell), y);

  if (d.busiestHours.length) {
    if (y > 842 - MARGIN - 120) doc.addPage(), (y = MARGIN);
    doc.fillColor(INK).font('bold').fontSize(12).text('Busiest hours', MARGIN, y);
    doc.font('body').fontSize(10);
    for (const b of d.busiestHours)
      doc.text(
        `${String(b.hour).padStart(2, '0')}:00–${String((b.hour + 1) % 24).padStart(2, '0')}:00    ${b.visits} visits`,
      );
    y = doc.y + 16;
  }
  y = await drawChart(doc, topPathsChart(d.topPaths, undefined, TOP_PATHS_PRINTED), y);
  y = await drawChart(doc, transitionsChart(d.transitions), y);

  if (y > 842 - MARGIN - 200) doc.addPage(), (y = MARGIN);
  doc.fillColor(INK).font('bold').fontSize(10).text('Definitions', MARGIN, y);
  doc.fillColor(MUTED).font('body').fontSize(8);
  for (const line of [...DEFINITIONS, accuracyDefinition(d), hiddenDefinition(d.minCount)])
    doc.text(line, { width: CONTENT_W, paragraphGap: 3 });
  doc.text(`Visit rules version: ${d.rulesVersions.length ? d.rulesVersions.join(', ') : 'no visits in the period'}.`, {
    width: CONTENT_W,
  });

  drawFooters(doc, d);
  doc.end();
  return done;
}
