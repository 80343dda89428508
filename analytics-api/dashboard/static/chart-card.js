// One chart card: the vega-lite chart from the API, its text description, its data as a table (the
// accessible alternative) and a CSV export of the report behind it. Vega's expressions run through
// vega-interpreter: the page's CSP has no 'unsafe-eval'.
import { expressionInterpreter } from '/assets/vega-interpreter.js';
import { api, download } from '/api-client.js';

/** Data fields that only steer drawing (heights, ordering, positions): not shown in the table. */
const DRAWING_FIELDS = new Set([
  'bar',
  'hidden',
  'order',
  'rank',
  'width',
  'fromRow',
  'toRow',
  'midRow',
  'row',
  'label',
  'bottom',
  'top',
]);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  Object.assign(e, attrs);
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

/** Every datum of a spec, from its top-level data or its layers' data. */
function dataOf(spec) {
  const layers = spec.layer ?? [spec];
  return layers.flatMap((l) => l.data?.values ?? []);
}

function dataTable(spec, title) {
  const rows = dataOf(spec);
  if (rows.length === 0) return el('p', { className: 'empty' }, 'No data to tabulate.');
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => !DRAWING_FIELDS.has(c));
  const table = el('table', {}, el('caption', {}, `${title}: the data of the chart`));
  table.append(
    el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c === 'shown' ? 'value' : c)))),
  );
  const body = el('tbody');
  for (const r of rows)
    body.append(
      el(
        'tr',
        {},
        ...columns.map((c) =>
          el('td', {}, r[c] === undefined || r[c] === null ? '' : String(r[c]).replace(/^(\d{4}-\d{2}-\d{2})T/, '$1 ')),
        ),
      ),
    );
  table.append(body);
  return el('div', { className: 'table-wrap' }, table);
}

/**
 * Draws chart `c` ({ name, title, report, wide }) of a site and range into `container`. A failure
 * shows in the card; `query` holds from, to (exclusive) and granularity.
 */
export async function renderChartCard(container, site, c, query) {
  const plot = el('div', { className: 'plot' });
  const caption = el('figcaption', { id: `desc-${c.name}` });
  const actions = el('div', { className: 'chart-actions' });
  const figure = el(
    'figure',
    { className: `chart${c.wide ? ' wide' : ''}`, id: `chart-${c.name}` },
    plot,
    caption,
    actions,
  );
  figure.setAttribute('aria-label', c.title);
  container.append(figure);
  try {
    const spec = await api(`/api/v1/sites/${site}/charts/${c.name}?${query}`);
    caption.textContent = spec.description ?? '';
    await vegaEmbed(plot, spec, {
      actions: false,
      renderer: 'svg',
      ast: true,
      expr: expressionInterpreter,
      description: spec.description,
    });
    plot.querySelector('svg')?.setAttribute('aria-describedby', caption.id);
    const csv = el('button', { type: 'button', textContent: 'Download CSV' });
    csv.setAttribute('aria-label', `Download CSV of ${c.title}`);
    csv.addEventListener('click', () =>
      download(`/api/v1/sites/${site}/reports/${c.report}?${query}&format=csv`, `${site}-${c.name}.csv`),
    );
    const details = el('details', {}, el('summary', {}, 'Data table'), dataTable(spec, c.title));
    actions.append(csv, details);
  } catch (err) {
    plot.replaceChildren(el('p', { className: 'empty' }, `${c.title}: ${err.message}`));
  }
}
