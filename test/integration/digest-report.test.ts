// The digest of a seeded store: its headline equals what the API reports, its pages carry charts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createApp } from '../../analytics-api/index.ts';
import { buildDigestPdf, collectDigestData, digestPeriod } from '../../reports/digest/index.ts';
import { KEYS, startSeededDeployment, type SeededDeployment } from '../harness/seeded-store.ts';

let store: SeededDeployment;
before(async () => (store = await startSeededDeployment()));
after(async () => store?.close());

test('a weekly digest: headline equals the API, the PDF has pages, numbers and non-blank charts', async () => {
  const site = store.runtime.config.sites[0];
  const period = digestPeriod('week', store.range.from);
  const data = await collectDigestData(store.runtime.clickhouse, site, period, store.runtime.config.privacy.minCount);
  const app = createApp({ config: store.runtime.config, clickhouse: store.runtime.clickhouse });
  const api = async (report: string) =>
    (
      await (
        await app.request(
          `/api/v1/sites/${site.id}/reports/${report}?from=${period.from}&to=${period.to}&granularity=day`,
          { headers: { authorization: `Bearer ${KEYS.all}` } },
        )
      ).json()
    ).report;
  const [footfall, returning, dwell] = [await api('footfall'), await api('returning'), await api('dwell')];
  assert.ok(footfall.totals.visits > 0, 'the seeded days fall in this week');
  assert.equal(data.headline.visitors.value, footfall.totals.visitors);
  assert.equal(data.headline.visits.value, footfall.totals.visits);
  assert.equal(data.headline.returningRate.value, returning.returningVisitRate);
  assert.equal(data.headline.medianDwellS.value, dwell.medianS);

  const dir = mkdtempSync(join(tmpdir(), 'revisit-digest-'));
  const pdf = join(dir, 'digest.pdf');
  writeFileSync(pdf, await buildDigestPdf(data));
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]);
  assert.ok(pages >= 2, `${pages} pages`);
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.ok(text.includes(`${footfall.totals.visitors}`) && text.includes(`${footfall.totals.visits}`));
  assert.ok(text.includes(`${(dwell.medianS / 60).toFixed(1)} min`));
  assert.ok(text.includes('Footfall by day') && text.includes('Top paths'));
  execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', pdf, join(dir, 'page')]);
  const { channels } = await sharp(readFileSync(join(dir, 'page-1.png'))).stats();
  assert.ok(channels[2].mean < 250, 'page 1 has ink');
});
