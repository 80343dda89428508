// Scheduled digests with a fake clock across DST changes, delivered to a real local SMTP server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createClickHouseClient, type ClickHouseClient } from '../../common/clickhouse/create-clickhouse-client.ts';
import { createLogger } from '../../common/logger.ts';
import { applyMigrations, type SiteConfig } from '../../schemas/index.ts';
import { digestsConfigSchema, type DigestSchedule } from '../../schemas/digest.schema.ts';
import { buildDigestPdf, collectDigestData, summarizeChanges } from '../../reports/digest/index.ts';
import { createDeliver } from '../../reports/schedule/deliver-digest.ts';
import { DigestLedger } from '../../reports/schedule/digest-ledger.ts';
import { DigestScheduler } from '../../reports/schedule/digest-scheduler.ts';
import { findFreePort } from '../../common/process/find-free-port.ts';

const SITES: SiteConfig[] = [
  { id: 'berlin', name: 'Berlin Mitte', tenant: 't', timezone: 'Europe/Berlin' }, // leaves summer time 2026-10-25
  { id: 'nyc', name: 'New York 5th Ave', tenant: 't', timezone: 'America/New_York' }, // leaves it 2026-11-01
  { id: 'late', name: 'Late store', tenant: 't', timezone: 'UTC' },
];

let dir: string;
let clickhouse: ClickHouseClient;
let smtp: SMTPServer;
let smtpPort: number;
const mails: Array<{ to: string[]; digest: string; raw: string }> = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revisit-digests-'));
  clickhouse = await createClickHouseClient({ dataDir: dir, clickhouse: { username: 'default', password: '', database: 'default' } });
  await applyMigrations(clickhouse);
  smtpPort = await findFreePort();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('latin1')));
      stream.on('end', () => {
        // The attachment's name says which digest it is (the subject is MIME-encoded).
        const digest = /filename="?(digest-[\w-]+\.pdf)/.exec(raw)?.[1] ?? '';
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), digest, raw });
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', r));
});

after(async () => {
  await new Promise<void>((r) => smtp.close(r));
  await clickhouse.close();
  rmSync(dir, { recursive: true, force: true });
});

function scheduler(schedules: DigestSchedule[], deliver = createDeliver({ host: '127.0.0.1', port: smtpPort, secure: false, from: 'digests@revisit.test' })) {
  return new DigestScheduler({
    config: digestsConfigSchema.parse({ schedules, maxAttempts: 3 }),
    sites: SITES,
    ledger: new DigestLedger(clickhouse),
    render: async (site, period) => {
      const data = await collectDigestData(clickhouse, site, period, 5);
      return { pdf: await buildDigestPdf(data), summary: summarizeChanges(data) };
    },
    deliver,
    logger: createLogger('test-digests'),
  });
}

const HOUR = 3_600_000;

test('a week of daily digests across DST changes: exactly one per site and day, also after a restart', async () => {
  const folder = join(dir, 'out');
  const schedules: DigestSchedule[] = [
    { site: 'berlin', period: 'day', cron: '0 7 * * *', deliver: [{ kind: 'email', to: ['berlin@shop.test'] }] },
    { site: 'nyc', period: 'day', cron: '30 6 * * *', deliver: [{ kind: 'email', to: ['nyc@shop.test'] }, { kind: 'folder', dir: folder }] },
  ];
  let s = scheduler(schedules);
  const start = Date.parse('2026-10-22T12:00:00Z');
  for (let t = start; t <= start + 9 * 24 * HOUR; t += HOUR / 3) {
    if (t === start + 4 * 24 * HOUR) s = scheduler(schedules); // a restart in the middle
    await s.tick(t);
    if (t % (24 * HOUR) === 0) await s.tick(t); // ticks may repeat
  }
  const days = (site: string) => mails.filter((m) => m.to.includes(`${site}@shop.test`)).map((m) => m.digest);
  // Started at 12:00Z on the 22nd, the scheduler catches up that morning's run (the 21st) at once;
  // the last run before 12:00Z on the 31st covers the 30th.
  const expected = (site: string) => Array.from({ length: 10 }, (_, i) => `digest-${site}-day-2026-10-${21 + i}.pdf`);
  assert.deepEqual(days('berlin'), expected('berlin'));
  assert.deepEqual(days('nyc'), expected('nyc'));
  assert.ok(mails.every((m) => /Content-Type: application\/pdf/i.test(m.raw)), 'the PDF is attached');
  assert.deepEqual(readdirSync(join(folder, 'nyc')).sort(), expected('nyc'));
});

test('missed runs are caught up once, not one by one', async () => {
  const sent = mails.length;
  const s = scheduler([{ site: 'late', period: 'day', cron: '0 5 * * *', deliver: [{ kind: 'email', to: ['late@shop.test'] }] }]);
  await s.tick(Date.parse('2026-11-10T12:00:00Z')); // the scheduler was down for days
  await s.tick(Date.parse('2026-11-10T13:00:00Z'));
  const late = mails.slice(sent);
  assert.equal(late.length, 1);
  assert.equal(late[0].digest, 'digest-late-day-2026-11-09.pdf');
});

test('a failing webhook is retried on later ticks, recorded, and given up after the maximum', async () => {
  let calls = 0;
  const hook: Server = createServer((req, res) => {
    calls++;
    req.resume();
    res.statusCode = calls <= 2 ? 503 : 204;
    res.end();
  });
  const port = await findFreePort();
  await new Promise<void>((r) => hook.listen(port, '127.0.0.1', r));
  try {
    const s = scheduler([
      { site: 'late', period: 'week', cron: '0 6 * * 1', deliver: [{ kind: 'webhook', url: `http://127.0.0.1:${port}/digest` }, { kind: 'email', to: ['nobody@shop.test'] }] },
    ], createDeliver());
    const t = Date.parse('2026-11-16T08:00:00Z');
    const outcomes = [await s.tick(t), await s.tick(t + 60_000), await s.tick(t + 120_000), await s.tick(t + 180_000)];
    assert.deepEqual(outcomes.map((o) => o.find((x) => x.runKey.endsWith('#0'))?.status), ['failed', 'failed', 'sent', undefined]);
    assert.deepEqual(outcomes.map((o) => o.find((x) => x.runKey.endsWith('#1'))?.status), ['failed', 'failed', 'gave_up', undefined]);
    const ledger = (await new DigestLedger(clickhouse).list('late')).filter((r) => r.periodKind === 'week');
    const email = ledger.find((r) => r.runKey.endsWith('#1'))!;
    assert.equal(email.status, 'failed');
    assert.match(email.lastError, /digests\.smtp/);
    assert.equal(ledger.find((r) => r.runKey.endsWith('#0'))?.attempts, 3);
  } finally {
    hook.close();
  }
});
