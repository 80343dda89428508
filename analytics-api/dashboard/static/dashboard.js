// The manager dashboard: asks for the API key once (kept in this tab's sessionStorage), then shows
// the headline numbers and the charts of one site and date range. Charts are the server's
// vega-lite specs, the same the PDF digest prints. Vega's expressions run through vega-interpreter
// instead of being compiled with Function(): the page's CSP has no 'unsafe-eval'. Reports come
// suppressed (docs/privacy.md): a hidden figure is null, and no change is computed from one.
import { expressionInterpreter } from '/assets/vega-interpreter.js';

const $ = (sel) => document.querySelector(sel);
const KEY = 'revisit.apiKey';
const CHARTS = ['footfall', 'new-vs-returning', 'dwell', 'paths', 'transitions', 'occupancy', 'capture'];

class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
  }
}

async function api(path) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}` } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function status(text, isError = false) {
  const el = $('#status');
  el.textContent = text;
  el.classList.toggle('error', isError);
}

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

/** Change against the previous period as text and a direction; none when either side is hidden. */
function change(now, before, kind) {
  if (now === null || before === null) return { text: 'change hidden', dir: '' };
  if (kind === 'points') {
    const pts = Math.round(100 * (now - before));
    return { text: `${pts >= 0 ? '+' : '−'}${Math.abs(pts)} pts vs previous`, dir: pts > 0 ? 'up' : pts < 0 ? 'down' : '' };
  }
  if (kind === 'minutes') {
    const min = (now - before) / 60;
    return { text: `${min >= 0 ? '+' : '−'}${Math.abs(min).toFixed(1)} min vs previous`, dir: '' };
  }
  if (!before) return { text: 'no previous data', dir: '' };
  const pct = Math.round((100 * (now - before)) / before);
  return { text: `${pct >= 0 ? '+' : '−'}${Math.abs(pct)} % vs previous`, dir: pct > 0 ? 'up' : pct < 0 ? 'down' : '' };
}

function showKpi(name, value, delta) {
  $(`[data-kpi="${name}"]`).textContent = value;
  const el = $(`[data-change="${name}"]`);
  if (el && delta) {
    el.textContent = delta.text;
    el.className = `change ${delta.dir}`;
  }
}

async function showKpis(site, from, to) {
  const q = `from=${from}&to=${to}&compare=previous`;
  const [footfall, returning, dwell, occupancy] = await Promise.all([
    api(`/api/v1/sites/${site}/reports/footfall?${q}&granularity=day`),
    api(`/api/v1/sites/${site}/reports/returning?${q}`),
    api(`/api/v1/sites/${site}/reports/dwell?${q}`),
    api(`/api/v1/sites/${site}/reports/occupancy?from=${from}&to=${to}`),
  ]);
  const n = footfall.report.minCount;
  // Totals and occupancy are hidden only for being small: "< n" is exact. A rate or a median is
  // hidden to protect a small count behind it.
  const count = (v) => (v === null ? `< ${n}` : String(v));
  const t = footfall.report.totals;
  const p = footfall.previous.report.totals;
  showKpi('visitors', count(t.visitors), change(t.visitors, p.visitors));
  showKpi('visits', count(t.visits), change(t.visits, p.visits));
  // Visits include people an entrance camera saw but could not identify; returning and paths rest on the others.
  const share = footfall.report.identifiedShare;
  showKpi('identified', share === null ? 'hidden' : `${Math.round(100 * share)} %`, { text: t.unidentifiedVisits ? `${t.unidentifiedVisits} visits seen, not identified` : 'of visits', dir: '' });
  const r = returning.report.returningVisitRate;
  showKpi('returning', r === null ? 'hidden' : `${Math.round(100 * r)} %`, change(r, returning.previous.report.returningVisitRate, 'points'));
  const d = dwell.report.medianS;
  showKpi('dwell', d === null ? 'hidden' : `${(d / 60).toFixed(1)} min`, change(d, dwell.previous.report.medianS, 'minutes'));
  showKpi('occupancy', count(occupancy.report.now.people));
  const versions = [...new Set([...footfall.report.rulesVersions, ...dwell.report.rulesVersions])];
  const basis = share === null || share === 1 ? '' : ` · Visits include people seen at an entrance but not identified (faces too small or poor; estimated); the returning rate and paths rest on the ${Math.round(100 * share)} % of visits identified.`;
  $('#footnote').textContent = `Visit rules ${versions.join(', ') || '–'} · counts come from automatic re-identification; independent tests of people counting find 93–96 % accuracy.${basis} · Fewer than ${n} people or visits are never shown (“< ${n}”, grey bars), nor any figure that would reveal such a count (“hidden”).`;
}

async function showCharts(site, from, to) {
  const days = (Date.parse(to) - Date.parse(from)) / 86400000;
  const granularity = days <= 2 ? 'hour' : days <= 62 ? 'day' : 'week';
  await Promise.all(
    CHARTS.map(async (name) => {
      const el = $(`#chart-${name}`);
      try {
        const spec = await api(`/api/v1/sites/${site}/charts/${name}?from=${from}&to=${to}&granularity=${granularity}`);
        await vegaEmbed(el, spec, { actions: false, renderer: 'svg', ast: true, expr: expressionInterpreter });
      } catch (err) {
        el.innerHTML = '';
        const p = document.createElement('p');
        p.className = 'empty';
        p.textContent = `${name}: ${err.message}`;
        el.append(p);
      }
    }),
  );
}

async function refresh() {
  const site = $('#site').value;
  const from = $('#from').value;
  const to = $('#to').value;
  if (!site || !from || !to) return;
  const url = new URL(location.href);
  url.searchParams.set('site', site);
  url.searchParams.set('from', from);
  url.searchParams.set('to', to);
  history.replaceState(null, '', url);
  status(`Loading ${site}, ${from} to ${to}…`);
  try {
    await Promise.all([showKpis(site, from, to), showCharts(site, from, to)]);
    status(`${$('#site').selectedOptions[0].textContent} · ${from} to ${to} (local days, the end excluded)`);
    document.body.dataset.loaded = `${site}|${from}|${to}`;
  } catch (err) {
    if (err.status === 401) return askForKey('That key was not accepted.');
    status(err.message, true);
  }
}

async function start() {
  let sites;
  try {
    sites = (await api('/api/v1/sites')).sites;
  } catch (err) {
    return askForKey(err.status === 401 ? 'That key was not accepted.' : err.message);
  }
  if (sites.length === 0) return status('This key may not read any site.', true);
  const params = new URL(location.href).searchParams;
  $('#site').replaceChildren(...sites.map((s) => new Option(`${s.name} (${s.timezone})`, s.id)));
  if (params.get('site') && sites.some((s) => s.id === params.get('site'))) $('#site').value = params.get('site');
  const today = new Date();
  $('#to').value = params.get('to') ?? isoDate(today);
  $('#from').value = params.get('from') ?? isoDate(new Date(today.getTime() - 7 * 86400000));
  await refresh();
}

function askForKey(message = '') {
  sessionStorage.removeItem(KEY);
  $('#key-error').textContent = message;
  $('#key-dialog').showModal();
}

$('#key-form').addEventListener('submit', () => {
  sessionStorage.setItem(KEY, $('#key').value.trim());
  $('#key').value = '';
  start();
});
$('#controls').addEventListener('submit', (e) => {
  e.preventDefault();
  refresh();
});
$('#site').addEventListener('change', refresh);
$('#signout').addEventListener('click', () => askForKey());

if (sessionStorage.getItem(KEY)) start();
else askForKey();
