// The manager's dashboard and the API docs in Chromium (playwright-core, Debian's /usr/bin/chromium) on a store whose
// cameras send heartbeats and went down for two hours: no data, an error, a single day, the chain view, a phone, and
// an automated accessibility check (axe-core) of the dashboard and the API docs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningApi } from '../../analytics-api/index.ts';
import { addDays } from '../../simulator/plan-store-days.ts';
import { localDate, localMidnightMs } from '../../storage/visit-model/local-day.ts';
import { launchChromium } from '../harness/launch-chromium.ts';
import { KEYS, serveSeededApi, startSeededDeployment, type SeededDeployment } from '../harness/seeded-store.ts';

// axe-core is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page is checked
// exactly as a user gets it: under the strict CSP, with every style the CSP would block left out.
const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
const TZ = 'Europe/Berlin';
const today = localDate(Date.now(), TZ);
// The seeded days are day(1) … day(3); day(4) is yesterday.
const day = (n: number) => addDays(today, -5 + n);

let store: SeededDeployment;
let api: RunningApi;
let browser: Browser;

before(async () => {
  const outage = {
    fromMs: localMidnightMs(day(2), TZ) + 10 * 3_600_000,
    toMs: localMidnightMs(day(2), TZ) + 12 * 3_600_000,
  };
  // s1 is marked simulated, as the demo's stores are: every screen must say so.
  store = await startSeededDeployment(
    {
      sites: [
        { id: 's1', name: 'Store One', tenant: 'sim', timezone: TZ, simulated: true },
        { id: 's2', name: 'Store Two', tenant: 'sim', timezone: TZ },
        { id: 'x1', name: 'Other Co', tenant: 'other', timezone: 'UTC' },
      ],
    },
    { heartbeats: { outages: [outage] } },
  );
  api = await serveSeededApi(store);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await api?.close();
  await store?.close();
});

/** A page with the key already in its tab (sessionStorage), collecting script errors and CSP violations. */
async function openPage(context: BrowserContext, path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.addInitScript((key) => {
    sessionStorage.setItem('revisit.apiKey', key);
    document.addEventListener('securitypolicyviolation', (e) => {
      const w = window as unknown as { cspViolations?: string[] };
      (w.cspViolations ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  }, KEYS.all);
  await page.goto(`${api.url}${path}`);
  return { page, problems };
}

async function loaded(page: Page, what: string): Promise<void> {
  await page.waitForFunction((w) => document.body.dataset.loaded?.startsWith(`${w}|`), what, { timeout: 60_000 });
}

async function kpi(page: Page, name: string): Promise<string> {
  return (await page.textContent(`[data-kpi="${name}"]`))!.trim();
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? []);
}

/** axe-core's serious and critical violations of WCAG 2.1 A/AA on the page as it is now. */
async function axeViolations(
  context: BrowserContext,
  path: string,
  ready: (page: Page) => Promise<void>,
): Promise<string[]> {
  const { page, problems } = await openPage(context, path);
  await ready(page);
  await page.evaluate(AXE);
  const results = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            o: unknown,
          ) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }>;
        };
      }
    ).axe;
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  assert.deepEqual(problems, [], `${path}: no script error`);
  assert.deepEqual(await cspViolations(page), [], `${path}: nothing blocked by the CSP`);
  await page.close();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
}

test('no data: a store no camera reported for shows "No data", not zeros', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const { page, problems } = await openPage(context, `/?site=s2&from=${day(1)}&to=${day(3)}`);
  await loaded(page, 's2');
  assert.equal(await kpi(page, 'visitors'), 'No data');
  assert.equal(await kpi(page, 'visits'), 'No data');
  assert.match(
    (await page.textContent('#banners'))!,
    /No data for these dates: no camera reported .* not zero visitors/,
  );
  assert.doesNotMatch(
    (await page.textContent('#banners'))!,
    /Simulated data/,
    'a real store is not labelled simulated',
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('an error: a failed report shows a banner and clears the figures instead of keeping the last ones', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const { page } = await openPage(context, `/?site=s1&from=${day(1)}&to=${day(3)}`);
  await loaded(page, 's1');
  assert.notEqual(await kpi(page, 'visits'), '–', 'figures shown first');
  await page.route('**/reports/footfall?*', (route) =>
    route.fulfill({
      status: 500,
      contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'internal', message: 'the report failed' } }),
    }),
  );
  await page.click('#controls button[type=submit]');
  await page.waitForFunction(() => document.body.dataset.failed !== undefined);
  assert.match((await page.textContent('.banner.error'))!, /Could not load the figures: the report failed/);
  assert.equal(await page.getAttribute('.banner.error', 'role'), 'alert', 'read out by screen readers');
  assert.equal(await kpi(page, 'visits'), '–', 'no stale figure');
  assert.equal(await page.locator('.charts figure').count(), 0, 'no stale chart');
  await context.close();
});

test('a single day: From = To shows that day by hour, the outage as a gap, numbers equal to the API', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const { page, problems } = await openPage(context, `/?site=s1&from=${day(2)}&to=${day(2)}`);
  await loaded(page, 's1');
  const res = await fetch(`${api.url}/api/v1/sites/s1/reports/footfall?from=${day(2)}&to=${day(3)}&granularity=day`, {
    headers: { authorization: `Bearer ${KEYS.all}` },
  });
  const { report } = await res.json();
  const shown = (n: number | null) => (n === null ? `< ${report.minCount}` : String(n));
  assert.equal(await kpi(page, 'visits'), shown(report.totals.visits));
  assert.match((await page.textContent('#status'))!, new RegExp(`${day(2)} \\(local days, both included\\)`));
  assert.match((await page.textContent('#chart-footfall'))!, /no data: no camera was analysing then/);
  const gapLabels = await page
    .locator('#chart-footfall svg text')
    .evaluateAll((texts) => texts.filter((t) => t.textContent === 'no data').length);
  assert.equal(gapLabels, 2, 'two hours of outage, each labelled');
  assert.match((await page.textContent('#banners'))!, /covered 92 % of these dates' camera-hours/);
  // Every chart has a text description and a data table.
  for (const name of ['footfall', 'new-vs-returning', 'dwell', 'paths', 'transitions', 'occupancy']) {
    assert.ok(((await page.textContent(`#chart-${name} figcaption`)) ?? '').length > 10, `${name} has a description`);
    assert.equal(await page.locator(`#chart-${name} details table`).count(), 1, `${name} has a data table`);
  }
  assert.match((await page.textContent('#banners'))!, /Simulated data: this store is a simulation/);
  assert.match(
    (await page.textContent('#banners'))!,
    new RegExp(`Silent for over 15 min: all 5 cameras \\(last heartbeat ${day(4)} 00:00\\)`),
    "cameras that stopped together, at the store's local time",
  );
  const download = page.waitForEvent('download');
  await page.click('#chart-footfall .chart-actions button');
  const csv = await download;
  assert.equal(csv.suggestedFilename(), 's1-footfall.csv');
  const csvText = readFileSync((await csv.path())!, 'utf8');
  assert.match(csvText.split('\n')[0], /^period,/, 'a CSV with a header row');
  const pdfDownload = page.waitForEvent('download');
  await page.click('#pdf');
  const pdf = await pdfDownload;
  assert.equal(pdf.suggestedFilename(), `digest-s1-day-${day(2)}.pdf`, "one day chosen: that day's digest");
  assert.equal(
    readFileSync((await pdf.path())!)
      .subarray(0, 5)
      .toString(),
    '%PDF-',
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), []);
  await context.close();
});

test('the chain view: every store of the key side by side, sortable, each linking to its store', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const { page, problems } = await openPage(context, `/?view=chain&from=${day(1)}&to=${day(3)}`);
  await loaded(page, 'chain');
  const sitesIn = async () =>
    page.locator('#chain tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.site));
  assert.deepEqual(await sitesIn(), ['s1', 's2'], 'busiest first');
  assert.match((await page.textContent('#chain tbody tr[data-site="s2"]'))!, /no data/);
  assert.match((await page.textContent('#chain tbody tr[data-site="s1"] a'))!, /Store One \(simulated\)/);
  assert.equal(await page.locator('#chain tbody tr[data-site="s1"] svg.spark').count(), 1, 'a sparkline');
  await page.click('#chain thead button:has-text("Store")');
  assert.equal(await page.getAttribute('#chain th[aria-sort]', 'aria-sort'), 'ascending');
  await page.click('#chain thead button:has-text("Visits")');
  assert.deepEqual(await sitesIn(), ['s1', 's2']);
  await page.click('#chain tbody tr[data-site="s1"] a');
  await loaded(page, 's1');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a phone (390×844): no horizontal scroll, two headline tiles a row, charts inside their cards', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const { page } = await openPage(context, `/?site=s1&from=${day(1)}&to=${day(3)}`);
  await loaded(page, 's1');
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(widths.scroll <= widths.client, `page ${widths.scroll}px wide on a ${widths.client}px screen`);
  const tops = await page
    .locator('.kpi')
    .evaluateAll((tiles) => tiles.map((t) => Math.round(t.getBoundingClientRect().top)));
  assert.equal(tops[0], tops[1], 'two tiles on the first row');
  assert.ok(tops[2] > tops[1], 'the third on the next');
  const overflowing = await page
    .locator('figure.chart')
    .evaluateAll((cards) =>
      cards
        .filter((c) =>
          [...c.querySelectorAll('svg')].some(
            (s) => s.getBoundingClientRect().right > c.getBoundingClientRect().right + 1,
          ),
        )
        .map((c) => c.id),
    );
  assert.deepEqual(overflowing, [], 'no chart wider than its card');
  await context.close();
});

test('accessibility: under the strict CSP, axe-core finds no serious or critical WCAG 2.1 AA violation on the dashboard, the chain view, a phone and the API docs', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const dashboard = await axeViolations(context, `/?site=s1&from=${day(1)}&to=${day(3)}`, (p) => loaded(p, 's1'));
  assert.deepEqual(dashboard, []);
  const chain = await axeViolations(context, `/?view=chain&from=${day(1)}&to=${day(3)}`, (p) => loaded(p, 'chain'));
  assert.deepEqual(chain, []);
  const phoneContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const phone = await axeViolations(phoneContext, `/?site=s1&from=${day(1)}&to=${day(3)}`, (p) => loaded(p, 's1'));
  await phoneContext.close();
  assert.deepEqual(phone, []);
  const docs = await axeViolations(context, '/api/docs', async (p) => {
    // One operation open, so its parameters, request body, responses and examples are checked too.
    await p.waitForSelector('.opblock', { timeout: 30_000 });
    await p.locator('.opblock', { hasText: '/embeddings' }).locator('.opblock-summary').click();
    await p.waitForSelector('.opblock.is-open .responses-wrapper');
  });
  assert.deepEqual(docs, []);
  await context.close();
});

test('the API docs: Swagger UI from npm under the strict CSP, with request bodies, responses and try-it with the key', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const { page, problems } = await openPage(context, '/api/docs');
  await page.waitForSelector('.opblock', { timeout: 30_000 });
  assert.ok((await page.locator('.opblock').count()) > 15, 'every endpoint listed');
  await page.click('.btn.authorize');
  await page.fill('.auth-container input', KEYS.all);
  await page.click('.auth-btn-wrapper .btn.modal-btn.auth');
  await page.click('.btn-done');
  const footfall = page.locator('.opblock', { hasText: '/api/v1/sites/{site}/reports/footfall' });
  await footfall.locator('.opblock-summary').click();
  await footfall.locator('.try-out__btn').click();
  await footfall.locator('tr[data-param-name="site"] input').fill('s1');
  await footfall.locator('tr[data-param-name="from"] input').fill(day(1));
  await footfall.locator('tr[data-param-name="to"] input').fill(day(3));
  await footfall.locator('.execute').click();
  await footfall.locator('.live-responses-table .response-col_status').first().waitFor();
  assert.match((await footfall.locator('.live-responses-table').textContent())!, /200/);
  const embeddings = page.locator('.opblock', { hasText: '/embeddings' });
  await embeddings.locator('.opblock-summary').click();
  assert.match((await embeddings.textContent())!, /Request body/);
  assert.deepEqual(problems, []);
  assert.deepEqual(await cspViolations(page), [], 'Swagger UI runs without eval or inline scripts');
  await context.close();
});
