// The manager dashboard: asks for the API key once (kept in this tab's sessionStorage), then shows a
// store (headline figures, charts with their data) or all stores side by side. Dates are local days
// of the store, both ends included. Three states never mix: a figure, a hidden figure (docs/privacy.md:
// null, shown as "< N" or "hidden") and no data (no camera reported: a gap, never 0); a failed load
// clears the figures instead of leaving the last ones on screen.
import { api, ApiError, apiKey, download } from '/api-client.js';
import { renderChartCard } from '/chart-card.js';
import { showChain } from '/chain-view.js';

const $ = (sel) => document.querySelector(sel);
const CHARTS = [
  { name: 'footfall', title: 'Footfall', report: 'footfall', wide: true },
  { name: 'new-vs-returning', title: 'New and returning visits', report: 'footfall' },
  { name: 'dwell', title: 'Dwell time', report: 'dwell' },
  { name: 'paths', title: 'Top paths', report: 'paths' },
  { name: 'transitions', title: 'Transitions between cameras', report: 'transitions' },
  { name: 'occupancy', title: 'Occupancy', report: 'occupancy', wide: true },
  { name: 'capture', title: 'Capture rate', report: 'capture' },
];
const REFUSAL = {
  current_partial: 'period not over: no change yet',
  previous_no_data: 'no data for the previous period',
  previous_incomplete: 'previous period not fully covered by the cameras',
};
const DAY_MS = 86_400_000;

let sites = [];

const addDays = (date, n) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const todayIn = (timeZone) => new Date().toLocaleDateString('en-CA', { timeZone });
const minutes = (ms) => `${Math.round(ms / 60_000)} min`;

function status(text) {
  $('#status').textContent = text;
}

function banner(kind, text) {
  const p = document.createElement('p');
  p.className = `banner ${kind}`;
  if (kind === 'error') p.setAttribute('role', 'alert');
  p.textContent = text;
  $('#banners').append(p);
}

/** The change line of a tile: against a complete previous period only, else why not. */
function change(now, before, kind, comparison) {
  if (!comparison.complete) return { text: REFUSAL[comparison.reason] ?? 'no comparison', dir: '' };
  if (now === null || before === null) return { text: 'change hidden', dir: '' };
  if (kind === 'points') {
    const pts = Math.round(100 * (now - before));
    return {
      text: `${pts >= 0 ? '+' : '−'}${Math.abs(pts)} pts vs previous`,
      dir: pts > 0 ? 'up' : pts < 0 ? 'down' : '',
    };
  }
  if (kind === 'minutes') {
    const min = (now - before) / 60;
    return { text: `${min >= 0 ? '+' : '−'}${Math.abs(min).toFixed(1)} min vs previous`, dir: '' };
  }
  if (!before) return { text: 'no visits in the previous period', dir: '' };
  const pct = Math.round((100 * (now - before)) / before);
  return { text: `${pct >= 0 ? '+' : '−'}${Math.abs(pct)} % vs previous`, dir: pct > 0 ? 'up' : pct < 0 ? 'down' : '' };
}

function showKpi(name, value, delta, noData = false) {
  const v = $(`[data-kpi="${name}"]`);
  v.textContent = value;
  v.classList.toggle('nodata', noData);
  const el = $(`[data-change="${name}"]`);
  if (el && delta) {
    el.textContent = delta.text;
    el.className = `change ${delta.dir}`;
  }
}

/** A figure's 90 % interval under it (the API computes it from the shown figures; null: a figure is hidden). */
function showRange(name, range, format = String) {
  $(`[data-range="${name}"]`).textContent = range ? `90 % range ${format(range.low)}–${format(range.high)}` : '';
}

function clearFigures() {
  for (const name of ['visitors', 'visits', 'returning', 'dwell', 'occupancy'])
    showKpi(name, '–', { text: '', dir: '' });
  for (const name of ['visitors', 'visits', 'returning']) showRange(name, null);
  $('.charts').replaceChildren();
  delete document.body.dataset.loaded;
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
  const comparison = footfall.previous;
  const intervals = footfall.coverage.noData ? null : footfall.report.intervals;
  const pct = (x) => `${Math.round(100 * x)} %`;
  showRange('visitors', intervals?.visitors);
  showRange('visits', intervals?.visits);
  showRange('returning', returning.report.intervals?.returningRate, pct);
  if (footfall.coverage.noData) {
    const why = { text: 'no camera reported in these dates', dir: '' };
    for (const name of ['visitors', 'visits', 'returning', 'dwell']) showKpi(name, 'No data', why, true);
    banner(
      'warn',
      'No data for these dates: no camera reported analysing frames, so there is nothing to count. This is not zero visitors.',
    );
  } else {
    // Totals are hidden only for being small: "< n" is exact. A rate or a median is hidden to protect a small count.
    const count = (v) => (v === null ? `< ${n}` : String(v));
    const t = footfall.report.totals;
    const p = comparison.report.totals;
    showKpi('visitors', count(t.visitors), change(t.visitors, p.visitors, 'count', comparison));
    showKpi('visits', count(t.visits), change(t.visits, p.visits, 'count', comparison));
    const r = returning.report.returningVisitRate;
    // The returning rate is over identified visits; visits also hold people seen at an entrance but not identified.
    const identified = returning.report.visits;
    const basis = identified === null ? `of fewer than ${n} identified visits` : `of ${identified} identified visits`;
    const delta = change(r, returning.previous.report.returningVisitRate, 'points', comparison);
    showKpi('returning', r === null ? 'hidden' : `${Math.round(100 * r)} %`, {
      text: `${basis} · ${delta.text}`,
      dir: delta.dir,
    });
    const d = dwell.report.medianS;
    showKpi(
      'dwell',
      d === null ? 'hidden' : `${(d / 60).toFixed(1)} min`,
      change(d, dwell.previous.report.medianS, 'minutes', comparison),
    );
    const share = footfall.report.identifiedShare;
    if (share === null || share < 1)
      banner(
        'info',
        share === null
          ? 'Visits include people seen at an entrance but not identified; how many is hidden (a small count).'
          : `Visits include ${t.unidentifiedVisits} of people seen at an entrance but not identified (faces too small or poor; estimated): the returning share and paths rest on the ${Math.round(100 * share)} % of visits identified.`,
      );
    const coverage = footfall.coverage.coverage;
    if (coverage !== null && coverage < 0.99)
      banner(
        'warn',
        `The cameras covered ${Math.round(100 * coverage)} % of these dates' camera-hours: hours without a camera are gaps in the charts, not zeros.`,
      );
  }
  const people = occupancy.report.now.people;
  showKpi('occupancy', people === null ? `< ${n}` : String(people));
  const versions = [...new Set([...footfall.report.rulesVersions, ...dwell.report.rulesVersions])];
  $('#hidden-definition').textContent =
    `Fewer than ${n} people or visits are never shown (“< ${n}”, grey bars), nor any figure that would reveal such a count (“hidden”).`;
  $('#footnote').textContent = `Visit rules ${versions.join(', ') || '–'} · ${
    intervals
      ? `counts come from automatic re-identification, which can merge two people or split one; the ranges are ${intervals.method}`
      : 'counts come from automatic re-identification; their ranges are not given while a figure is hidden or there is no data'
  }.`;
  return footfall.coverage;
}

async function showCameras(s) {
  const { cameras, silentAfterMs } = await api(`/api/v1/sites/${s.id}/cameras`);
  const silent = cameras.filter((c) => c.silent);
  if (silent.length === 0) return;
  // The store's local time, as every other date on the page, in the one 24-hour format (YYYY-MM-DD HH:MM).
  const when = (ms) =>
    ms === null
      ? 'never reported'
      : `last heartbeat ${new Date(ms).toLocaleString('sv-SE', { timeZone: s.timezone, dateStyle: 'short', timeStyle: 'short' })}`;
  // Cameras that stopped together (a power cut, a worker down) are one clause, not one each.
  const byTime = new Map();
  for (const c of silent) byTime.set(c.lastHeartbeatMs, [...(byTime.get(c.lastHeartbeatMs) ?? []), c]);
  const clauses = [...byTime].map(([ms, cs]) => {
    const which = cs.length === cameras.length ? `all ${cs.length} cameras` : cs.map((c) => c.cameraId).join(', ');
    return `${which} (${when(ms)})`;
  });
  banner('warn', `Silent for over ${minutes(silentAfterMs)}: ${clauses.join('; ')}. Their hours read as no data.`);
}

function describeRules(s) {
  const rules = s.visitRules;
  if (!rules) return;
  $('[data-rule="gap"]').textContent = `${minutes(rules.visitGapMs)} of absence`;
  $('[data-rule="min"]').textContent = `${Math.round(rules.minVisitMs / 1000)} s`;
  $('[data-rule="entry"]').textContent = `${Math.round(rules.entryMinMs / 1000)} s`;
}

async function showSite(s, from, toInclusive) {
  const to = addDays(toInclusive, 1);
  const days = (Date.parse(to) - Date.parse(from)) / DAY_MS;
  const granularity = days <= 2 ? 'hour' : days <= 62 ? 'day' : 'week';
  if (s.simulated) banner('info', 'Simulated data: this store is a simulation (the demo), not a real shop.');
  describeRules(s);
  const [coverage] = await Promise.all([showKpis(s.id, from, to), showCameras(s)]);
  const charts = $('.charts');
  await Promise.all(
    CHARTS.map((c) => renderChartCard(charts, s.id, c, `from=${from}&to=${to}&granularity=${granularity}`)),
  );
  // Cards are appended as they resolve: put them back in reading order.
  for (const c of CHARTS) charts.append($(`#chart-${c.name}`));
  return coverage;
}

function currentView() {
  return new URL(location.href).searchParams.get('view') === 'chain' ? 'chain' : 'site';
}

async function refresh() {
  const view = currentView();
  const site = $('#site').value;
  const from = $('#from').value;
  const to = $('#to').value;
  if (!from || !to) return;
  if (to < from) return status('“To” is before “From”: choose an end on or after the start.');
  const url = new URL(location.href);
  for (const [k, v] of Object.entries({ view, site, from, to })) url.searchParams.set(k, v);
  history.replaceState(null, '', url);
  $('#banners').replaceChildren();
  clearFigures();
  const s = sites.find((x) => x.id === site);
  status(view === 'chain' ? `Loading all stores, ${from} to ${to}…` : `Loading ${s.name}, ${from} to ${to}…`);
  try {
    if (view === 'chain') {
      await showChain(sites, from, addDays(to, 1), to);
      status(`All stores · ${from} to ${to} (local days, both included)`);
    } else {
      const coverage = await showSite(s, from, to);
      const partial = coverage.partial ? ' · today is not over: figures so far' : '';
      status(`${s.name} · ${from === to ? from : `${from} to ${to}`} (local days, both included)${partial}`);
    }
    document.body.dataset.loaded = `${view === 'chain' ? 'chain' : site}|${from}|${to}`;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return askForKey('That key was not accepted.');
    clearFigures();
    $('#chain').tBodies[0].replaceChildren();
    banner(
      'error',
      `Could not load the figures: ${err.message}. Nothing is shown rather than figures that may be out of date; try again.`,
    );
    status('');
    document.body.dataset.failed = err.message;
  }
}

function showView() {
  const view = currentView();
  $('#site-view').hidden = view !== 'site';
  $('#chain-view').hidden = view !== 'chain';
  $('#site-label').hidden = view !== 'site';
  $('#pdf').hidden = view !== 'site';
  $('#nav-site').toggleAttribute('aria-current', view === 'site');
  $('#nav-chain').toggleAttribute('aria-current', view === 'chain');
  if (view === 'site') $('#nav-site').setAttribute('aria-current', 'page');
  else $('#nav-chain').setAttribute('aria-current', 'page');
}

async function start() {
  try {
    sites = (await api('/api/v1/sites')).sites;
  } catch (err) {
    return askForKey(err.status === 401 ? 'That key was not accepted.' : err.message);
  }
  if (sites.length === 0) return banner('error', 'This key may not read any store.');
  const params = new URL(location.href).searchParams;
  $('#site').replaceChildren(...sites.map((s) => new Option(`${s.name}${s.simulated ? ' (simulated)' : ''}`, s.id)));
  if (params.get('site') && sites.some((s) => s.id === params.get('site'))) $('#site').value = params.get('site');
  // The last seven local days of the store, today (not over yet) included.
  const today = todayIn(sites.find((s) => s.id === $('#site').value).timezone);
  $('#to').value = params.get('to') ?? today;
  $('#from').value = params.get('from') ?? addDays(today, -6);
  showView();
  await refresh();
}

function askForKey(message = '') {
  apiKey.forget();
  $('#key-error').textContent = message;
  $('#key-dialog').showModal();
}

function digestPeriod() {
  const days = (Date.parse($('#to').value) - Date.parse($('#from').value)) / DAY_MS + 1;
  return days <= 1 ? 'day' : days <= 7 ? 'week' : 'month';
}

$('#key-form').addEventListener('submit', () => {
  apiKey.set($('#key').value.trim());
  $('#key').value = '';
  start();
});
$('#controls').addEventListener('submit', (e) => {
  e.preventDefault();
  refresh();
});
$('#site').addEventListener('change', refresh);
$('#signout').addEventListener('click', () => askForKey());
$('#pdf').addEventListener('click', () => {
  const site = $('#site').value;
  const period = digestPeriod();
  download(
    `/api/v1/sites/${site}/digest?period=${period}&date=${$('#from').value}`,
    `digest-${site}-${period}-${$('#from').value}.pdf`,
  ).catch((err) => banner('error', `The PDF could not be made: ${err.message}`));
});
for (const link of ['#nav-site', '#nav-chain']) {
  $(link).addEventListener('click', (e) => {
    e.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set('view', link === '#nav-chain' ? 'chain' : 'site');
    history.pushState(null, '', url);
    showView();
    refresh();
  });
}

if (apiKey.get()) start();
else askForKey();
