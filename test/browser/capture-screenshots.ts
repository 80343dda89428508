// Not a test: refreshes the screenshots in docs/ from a running `revisit demo` (desktop, phone, chain view, a digest
// page). Usage: node --import tsx test/browser/capture-screenshots.ts <demo URL> <demo API key>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { addDays } from '../../simulator/plan-store-days.ts';
import { launchChromium } from '../harness/launch-chromium.ts';

const [url, key] = process.argv.slice(2);
if (!url || !key) throw new Error('usage: capture-screenshots.ts <demo URL> <demo API key>');
const DOCS = new URL('../../docs/', import.meta.url).pathname;
const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);

/** A screenshot of a dashboard view once it has loaded (`data-loaded` names the view): the whole page, or on a phone its first two screens. */
async function shoot(
  browser: Browser,
  path: string,
  view: string,
  file: string,
  viewport: { width: number; height: number },
): Promise<void> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: viewport.width < 500 ? 2 : 1 });
  const page = await context.newPage();
  await page.addInitScript((k) => sessionStorage.setItem('revisit.apiKey', k), key);
  await page.goto(`${url}${path}`);
  await page.waitForFunction((v) => document.body.dataset.loaded?.startsWith(`${v}|`), view, { timeout: 120_000 });
  const phone = viewport.width < 500;
  await page.screenshot({
    path: join(DOCS, file),
    fullPage: true,
    clip: phone ? { x: 0, y: 0, width: viewport.width, height: 2 * viewport.height } : undefined,
  });
  await context.close();
  console.log(`docs/${file}`);
}

const browser = await launchChromium();
try {
  const twoWeeks = `from=${addDays(yesterday, -13)}&to=${yesterday}`;
  await shoot(browser, `/?site=city-centre&${twoWeeks}`, 'city-centre', 'dashboard.png', { width: 1440, height: 900 });
  // The day of Riverside's power cut: two hours of no data between real figures.
  const outage = addDays(yesterday, -3);
  await shoot(browser, `/?site=riverside&from=${outage}&to=${outage}`, 'riverside', 'dashboard-phone.png', {
    width: 390,
    height: 844,
  });
  // Two weeks, so the change against the two weeks before shows.
  await shoot(browser, `/?view=chain&${twoWeeks}`, 'chain', 'chain-view.png', {
    width: 1440,
    height: 900,
  });
} finally {
  await browser.close();
}

// The first page of last week's digest, as the PDF prints it.
const res = await fetch(`${url}/api/v1/sites/city-centre/digest?period=week&date=${addDays(yesterday, -7)}`, {
  headers: { authorization: `Bearer ${key}` },
});
if (!res.ok) throw new Error(`digest: ${res.status} ${await res.text()}`);
const pdf = join(mkdtempSync(join(tmpdir(), 'revisit-digest-')), 'digest.pdf');
writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
execFileSync('pdftoppm', ['-png', '-r', '110', '-f', '1', '-l', '1', '-singlefile', pdf, join(DOCS, 'digest-page')]);
console.log('docs/digest-page.png');
