// All stores of the key side by side: the headline figures of each over the same dates, the change
// against the previous period (only when it may be computed), a sparkline of daily visits, sortable,
// each row linking to its store.
import { api } from '/api-client.js';

const REFUSAL = {
  current_partial: 'period not over',
  previous_no_data: 'no earlier data',
  previous_incomplete: 'earlier period not fully covered',
};
const COLUMNS = [
  { key: 'name', title: 'Store' },
  { key: 'visitors', title: 'Visitors', num: true },
  { key: 'visits', title: 'Visits', num: true },
  { key: 'returning', title: 'Returning share', num: true },
  { key: 'dwell', title: 'Median dwell (min)', num: true },
  { key: 'change', title: 'Visits vs previous', num: true },
  { key: 'trend', title: 'Daily visits' },
];

let rows = [];
let sortBy = { key: 'visits', descending: true };

function sparkline(values) {
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  const w = 110;
  const h = 26;
  svg.setAttribute('width', w);
  svg.setAttribute('height', h);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `daily visits: ${values.map((v) => (v === null ? 'no figure' : v)).join(', ')}`);
  const max = Math.max(1, ...values.filter((v) => v !== null));
  const step = values.length > 1 ? (w - 4) / (values.length - 1) : 0;
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) return void (pen = false);
    d += `${pen ? 'L' : 'M'}${(2 + i * step).toFixed(1)},${(h - 2 - ((h - 4) * v) / max).toFixed(1)}`;
    pen = true;
  });
  const path = document.createElementNS(svgNs, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', '#1d4ed8');
  path.setAttribute('stroke-width', '2');
  svg.append(path);
  return svg;
}

async function siteRow(site, from, to) {
  const q = `from=${from}&to=${to}&compare=previous`;
  const [footfall, returning, dwell] = await Promise.all([
    api(`/api/v1/sites/${site.id}/reports/footfall?${q}&granularity=day`),
    api(`/api/v1/sites/${site.id}/reports/returning?${q}`),
    api(`/api/v1/sites/${site.id}/reports/dwell?${q}`),
  ]);
  const t = footfall.report.totals;
  const prev = footfall.previous;
  const before = prev.report.totals.visits;
  let change = null;
  let changeText = REFUSAL[prev.reason] ?? '';
  if (prev.complete && t.visits !== null && before) {
    change = Math.round((100 * (t.visits - before)) / before);
    changeText = `${change >= 0 ? '+' : '−'}${Math.abs(change)} %`;
  } else if (prev.complete) changeText = t.visits === null || before === null ? 'hidden' : 'no earlier visits';
  return {
    site,
    noData: footfall.coverage.noData,
    minCount: footfall.report.minCount,
    visitors: t.visitors,
    visits: t.visits,
    returning: returning.report.returningVisitRate,
    dwell: dwell.report.medianS === null ? null : dwell.report.medianS / 60,
    change,
    changeText,
    daily: footfall.report.buckets.map((b) => b.visits),
  };
}

function cell(row, key, minCount) {
  if (row.noData && key !== 'name' && key !== 'trend') return 'no data';
  const v = row[key];
  if (key === 'visitors' || key === 'visits') return v === null ? `< ${minCount}` : String(v);
  if (key === 'returning') return v === null ? 'hidden' : `${Math.round(100 * v)} %`;
  if (key === 'dwell') return v === null ? 'hidden' : v.toFixed(1);
  if (key === 'change') return row.changeText;
  return '';
}

function render(from, toInclusive) {
  const table = document.querySelector('#chain');
  const sorted = [...rows].sort((a, b) => {
    const x = sortBy.key === 'name' ? a.site.name : a[sortBy.key];
    const y = sortBy.key === 'name' ? b.site.name : b[sortBy.key];
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * (sortBy.descending ? -1 : 1);
  });
  const head = document.createElement('tr');
  for (const c of COLUMNS) {
    const th = document.createElement('th');
    th.scope = 'col';
    if (c.num) th.className = 'num';
    if (c.key === 'trend') th.textContent = c.title;
    else {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = c.title;
      button.addEventListener('click', () => {
        sortBy = { key: c.key, descending: sortBy.key === c.key ? !sortBy.descending : c.key !== 'name' };
        render(from, toInclusive);
      });
      th.append(button);
      if (sortBy.key === c.key) th.setAttribute('aria-sort', sortBy.descending ? 'descending' : 'ascending');
    }
    head.append(th);
  }
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(
    ...sorted.map((r) => {
      const tr = document.createElement('tr');
      tr.dataset.site = r.site.id;
      for (const c of COLUMNS) {
        const td = document.createElement('td');
        if (c.num) td.className = 'num';
        if (c.key === 'name') {
          const a = document.createElement('a');
          a.href = `?view=site&site=${encodeURIComponent(r.site.id)}&from=${from}&to=${toInclusive}`;
          a.textContent = r.site.name + (r.site.simulated ? ' (simulated)' : '');
          td.append(a);
        } else if (c.key === 'trend') td.append(sparkline(r.daily));
        else td.textContent = cell(r, c.key, r.minCount);
        tr.append(td);
      }
      return tr;
    }),
  );
  document.querySelector('#chain-caption').textContent =
    `${rows.length} stores, ${from} to ${toInclusive} (local days, both included). Click a column to sort.`;
}

/** Loads and shows every site of the key for [from, to) (to exclusive; toInclusive for links). */
export async function showChain(sites, from, to, toInclusive) {
  rows = await Promise.all(sites.map((s) => siteRow(s, from, to)));
  render(from, toInclusive);
}
