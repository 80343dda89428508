// The digest PDF, checked the way a reader would: pages, the words and numbers on them, ink on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildDigestPdf, summarizeChanges } from './index.ts';
import { digestFixture } from './digest-fixture.ts';

test('the digest has the headline, the summary, charts on every page, definitions and page numbers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'revisit-digest-'));
  const pdf = join(dir, 'digest.pdf');
  writeFileSync(pdf, await buildDigestPdf(digestFixture()));
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
  assert.ok(pages >= 2 && pages <= 4, `${pages} pages`);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  for (const expected of [
    'Visitor digest · Store One',
    'Monday, 2 November 2026',
    '132',
    '140',
    '27 %',
    '12.6 min',
    '+10 % vs previous',
    'Footfall by hour',
    'Dwell time',
    'Top paths',
    'Busiest hours',
    'Definitions',
    'rules-v1-3f2a',
    `page ${pages} of ${pages}`,
  ]) {
    assert.ok(text.includes(expected), `missing "${expected}"`);
  }
  // The error bars and how they were obtained, instead of an unsourced accuracy claim.
  const flat = text.replace(/\s+/g, ' ');
  assert.match(flat, /90 % range 1\d\d–1\d\d/);
  assert.match(
    flat,
    /The ranges under the figures are 90 % intervals from the rates of the re-identification engine measured against the truth in simulated stores/,
  );
  assert.equal(flat.includes('93–96'), false);
  execFileSync('pdftoppm', ['-png', '-r', '40', pdf, join(dir, 'page')]);
  for (let i = 1; i <= pages; i++) {
    const { channels } = await sharp(readFileSync(join(dir, `page-${i}.png`))).stats();
    assert.ok(channels[0].mean < 250, `page ${i} is not blank (mean red ${channels[0].mean.toFixed(1)})`);
  }
});

test('the summary says what went up and down in plain words', () => {
  const lines = summarizeChanges(digestFixture());
  assert.equal(lines[0], '132 unique visitors, up 10 % on the same day last week (120).');
  assert.ok(lines.includes('Returning visitors made 27 % of visits (up 5 points).'));
  assert.ok(lines.includes('The busiest hour was 17:00–18:00 with 17 visits.'));
  const quiet = { ...digestFixture(), headline: { ...digestFixture().headline, visitors: { value: 5, previous: 0 } } };
  assert.match(summarizeChanges(quiet)[0], /no data for the same day last week/);
});

test('hidden figures: "< N" for a total, "hidden" for a rate or a median, no change against them, and what hidden means', async () => {
  const quiet = {
    ...digestFixture(),
    headline: {
      visitors: { value: null, previous: 12 },
      visits: { value: 6, previous: null },
      returningRate: { value: null, previous: 0.2 },
      medianDwellS: { value: null, previous: 600 },
    },
  };
  const lines = summarizeChanges(quiet);
  assert.equal(lines[0], 'Fewer than 5 unique visitors.');
  assert.equal(lines[1], '6 visits; the same day last week had fewer than 5.');
  assert.ok(lines.includes('The returning share is hidden: fewer than 5 new or returning visits.'));
  assert.ok(lines.includes('The median visit length is hidden: fewer than 5 visits.'));
  const dir = mkdtempSync(join(tmpdir(), 'revisit-digest-'));
  writeFileSync(join(dir, 'quiet.pdf'), await buildDigestPdf(quiet));
  const text = execFileSync('pdftotext', ['-layout', join(dir, 'quiet.pdf'), '-'], { encoding: 'utf8' }).replace(
    /\s+/g,
    ' ',
  );
  for (const expected of [
    '< 5',
    'change hidden',
    'hidden',
    'Hidden figures: a count of fewer than 5 people or visits is never printed',
    'grey: hidden, fewer than 5',
  ]) {
    assert.ok(text.includes(expected), `missing "${expected}"`);
  }
  assert.equal(/\+\d+ % vs previous/.test(text), false, 'no change against a hidden figure');
});

test('a period with no data is a page that says so, not a page of zeros; partial and incomplete periods are labelled', async () => {
  const empty = { ...digestFixture(), coverage: { coverage: 0, partial: false, noData: true } };
  const text = await pdfText(await buildDigestPdf(empty));
  assert.match(text, /No data for this period/);
  assert.match(text, /this is not zero visitors/);
  assert.doesNotMatch(text, /Unique visitors/, 'no tiles of zeros');
  const partial = {
    ...digestFixture(),
    coverage: { coverage: 1, partial: true, noData: false },
    comparison: { from: '2026-10-26', to: '2026-10-27', complete: false, reason: 'current_partial' as const },
  };
  const partialText = await pdfText(await buildDigestPdf(partial));
  assert.match(partialText, /PARTIAL: the period is not over/);
  assert.match(partialText, /period not over: no change yet/);
  assert.doesNotMatch(partialText, /vs previous/);
  const silent = {
    ...digestFixture(),
    silentCameras: ['entrance'],
    site: { ...digestFixture().site, simulated: true },
  };
  const silentText = await pdfText(await buildDigestPdf(silent));
  assert.match(silentText, /Cameras silent now: entrance/);
  assert.match(silentText, /SIMULATED DATA/);
});

/** The text of a PDF, as pdftotext reads it. */
async function pdfText(bytes: Buffer): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'revisit-digest-')), 'digest.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}
