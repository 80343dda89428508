// The dashboard in a real browser (Debian's Chromium through playwright-core) against a seeded store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import type { RunningApi } from '../../analytics-api/index.ts';
import { launchChromium } from '../harness/launch-chromium.ts';
import { KEYS, serveSeededApi, startSeededDeployment, type SeededDeployment } from '../harness/seeded-store.ts';

const CHARTS = ['footfall', 'new-vs-returning', 'dwell', 'paths', 'transitions', 'occupancy', 'capture'];

let store: SeededDeployment;
let api: RunningApi;
let browser: Browser;

before(async () => {
  store = await startSeededDeployment();
  api = await serveSeededApi(store);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await api?.close();
  await store?.close();
});

/** The totals as the dashboard must show them: a hidden (small) total reads "< minCount". */
async function apiTotals(site: string, from: string, to: string) {
  const res = await fetch(`${api.url}/api/v1/sites/${site}/reports/footfall?from=${from}&to=${to}&granularity=day`, {
    headers: { authorization: `Bearer ${KEYS.all}` },
  });
  const { totals, minCount } = (await res.json()).report as {
    totals: { visitors: number | null; visits: number | null };
    minCount: number;
  };
  const shown = (n: number | null) => (n === null ? `< ${minCount}` : String(n));
  return { visits: totals.visits, shownVisitors: shown(totals.visitors), shownVisits: shown(totals.visits) };
}

async function loaded(page: Page, site: string): Promise<{ from: string; to: string }> {
  await page.waitForFunction((s) => document.body.dataset.loaded?.startsWith(`${s}|`), site, { timeout: 30_000 });
  const [, from, to] = (await page.evaluate(() => document.body.dataset.loaded!)).split('|');
  return { from, to };
}

async function kpi(page: Page, name: string): Promise<string> {
  return (await page.textContent(`[data-kpi="${name}"]`))!.trim();
}

test('enter a key, see the store, switch site and dates: charts render and numbers equal the API', async (t) => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text()))
      errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  // Every CSP refusal (an eval, an inline script, a foreign origin) is reported to the page as this event.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { cspViolations?: string[] };
      (w.cspViolations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  const response = await page.goto(`${api.url}/`);
  const csp = response!.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-eval/);

  await page.fill('#key', 'rv_00000000_wrong-key-wrong-key-wrong-key-wrong-key-wron');
  await page.click('#key-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#key-error')?.textContent?.includes('not accepted'));

  await page.fill('#key', KEYS.all);
  await page.click('#key-form button[type=submit]');
  let range = await loaded(page, 's1');
  let totals = await apiTotals('s1', range.from, range.to);
  assert.ok((totals.visits ?? 0) > 0, 'the default range shows the seeded days');
  assert.equal(await kpi(page, 'visitors'), totals.shownVisitors);
  assert.equal(await kpi(page, 'visits'), totals.shownVisits);
  for (const name of CHARTS) {
    const marks = await page
      .locator(
        `#chart-${name} svg .mark-rect path, #chart-${name} svg .mark-area path, #chart-${name} svg .mark-text text`,
      )
      .count();
    assert.ok(marks > 0, `${name} chart has marks`);
  }
  const shot = join(mkdtempSync(join(tmpdir(), 'revisit-dashboard-')), 'dashboard.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);

  // Another site of the same tenant: no camera ever reported there, so no data (not 0).
  await page.selectOption('#site', 's2');
  range = await loaded(page, 's2');
  assert.equal(await kpi(page, 'visits'), 'No data');

  // Back to s1, one seeded day only: From = To (both ends are included).
  await page.selectOption('#site', 's1');
  await loaded(page, 's1');
  await page.fill('#from', store.range.from);
  const dayAfter = new Date(Date.parse(store.range.from) + 86_400_000).toISOString().slice(0, 10);
  await page.fill('#to', store.range.from);
  await page.click('#controls button[type=submit]');
  await page.waitForFunction((l) => document.body.dataset.loaded === l, `s1|${store.range.from}|${store.range.from}`);
  totals = await apiTotals('s1', store.range.from, dayAfter);
  assert.equal(await kpi(page, 'visitors'), totals.shownVisitors);
  assert.equal(await kpi(page, 'visits'), totals.shownVisits);
  // One day by hour has hours with fewer than minCount visits: grey bars, never zero bars, and the footnote says why.
  const grey = await page.locator('#chart-footfall svg .mark-rect path[fill="#9ca3af"]').count();
  assert.ok(grey > 0, 'hidden hours are drawn as grey bars');
  assert.match((await page.textContent('#chart-footfall'))!, /grey: hidden, fewer than 5/);
  assert.match((await page.textContent('#definitions'))!, /Fewer than 5 people or visits are never shown/);
  // Error bars under the tiles and how they were obtained, not an unsourced accuracy claim.
  assert.match((await page.textContent('[data-range="visitors"]'))!, /^90 % range \d+–\d+$/);
  assert.match(
    (await page.textContent('#footnote'))!,
    /the ranges are 90 % intervals from the rates of the re-identification engine/,
  );
  assert.doesNotMatch((await page.textContent('#footnote'))!, /93–96/);
  assert.deepEqual(errors, [], 'no script errors');
  assert.deepEqual(
    await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []),
    [],
    'no CSP violation',
  );
  // DevTools lifts the CSP for the evaluated code itself; a timer callback runs as the page's own code.
  const evalAllowed = await page.evaluate(
    () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          try {
            resolve(typeof new Function('return 1'));
          } catch (e) {
            resolve((e as Error).name);
          }
        }),
      ),
  );
  assert.equal(evalAllowed, 'EvalError', 'the CSP is in force: the charts above rendered without eval');
});
