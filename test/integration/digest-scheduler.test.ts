// Scheduled digests with a fake clock across DST changes, delivered to a real local SMTP server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createClickHouseClient, type ClickHouseClient } from '../../storage/clickhouse/create-clickhouse-client.ts';
import { pino } from 'pino';
import { createLogger, type Logger } from '../../common/logger.ts';
import { type SiteConfig } from '../../schemas/index.ts';
import { applyMigrations } from '../../storage/clickhouse/apply-migrations.ts';
import { digestsConfigSchema, type DigestSchedule } from '../../schemas/digest.schema.ts';
import { buildDigestPdf, collectDigestData, summarizeChanges } from '../../reports/digest/index.ts';
import { createDeliver } from '../../reports/schedule/deliver-digest.ts';
import { DigestLedger } from '../../storage/digest-runs-table.ts';
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
  clickhouse = await createClickHouseClient({
    dataDir: dir,
    clickhouse: { username: 'default', password: '', database: 'default' },
  });
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

function scheduler(
  schedules: DigestSchedule[],
  deliver = createDeliver({
    smtp: { host: '127.0.0.1', port: smtpPort, secure: false, from: 'digests@revisit.test' },
    folderRoot: dir,
  }),
  logger: Logger = createLogger('test-digests'),
) {
  return new DigestScheduler({
    config: digestsConfigSchema.parse({ schedules, maxAttempts: 3 }),
    sites: SITES,
    ledger: new DigestLedger(clickhouse),
    render: async (site, period) => {
      const data = await collectDigestData(clickhouse, site, period, 5);
      return { pdf: await buildDigestPdf(data), summary: summarizeChanges(data) };
    },
    deliver,
    logger,
  });
}

const HOUR = 3_600_000;

test('a week of daily digests across DST changes: exactly one per site and day, also after a restart', async () => {
  const folder = join(dir, 'out');
  const schedules: DigestSchedule[] = [
    { site: 'berlin', period: 'day', cron: '0 7 * * *', deliver: [{ kind: 'email', to: ['berlin@shop.test'] }] },
    {
      site: 'nyc',
      period: 'day',
      cron: '30 6 * * *',
      deliver: [
        { kind: 'email', to: ['nyc@shop.test'] },
        { kind: 'folder', dir: folder },
      ],
    },
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
  assert.ok(
    mails.every((m) => /Content-Type: application\/pdf/i.test(m.raw)),
    'the PDF is attached',
  );
  assert.deepEqual(readdirSync(join(folder, 'nyc')).sort(), expected('nyc'));
});

test('missed runs are caught up once, not one by one', async () => {
  const sent = mails.length;
  const s = scheduler([
    { site: 'late', period: 'day', cron: '0 5 * * *', deliver: [{ kind: 'email', to: ['late@shop.test'] }] },
  ]);
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
    const s = scheduler(
      [
        {
          site: 'late',
          period: 'week',
          cron: '0 6 * * 1',
          deliver: [
            { kind: 'webhook', url: `http://127.0.0.1:${port}/digest`, allowHttp: true },
            { kind: 'email', to: ['nobody@shop.test'] },
          ],
        },
      ],
      createDeliver({ folderRoot: dir }),
    );
    const t = Date.parse('2026-11-16T08:00:00Z');
    const outcomes = [await s.tick(t), await s.tick(t + 60_000), await s.tick(t + 120_000), await s.tick(t + 180_000)];
    assert.deepEqual(
      outcomes.map((o) => o.find((x) => x.runKey.endsWith('#0'))?.status),
      ['failed', 'failed', 'sent', undefined],
    );
    assert.deepEqual(
      outcomes.map((o) => o.find((x) => x.runKey.endsWith('#1'))?.status),
      ['failed', 'failed', 'gave_up', undefined],
    );
    const ledger = (await new DigestLedger(clickhouse).list('late')).filter((r) => r.periodKind === 'week');
    const email = ledger.find((r) => r.runKey.endsWith('#1'))!;
    assert.equal(email.status, 'failed');
    assert.match(email.lastError, /digests\.smtp/);
    assert.equal(ledger.find((r) => r.runKey.endsWith('#0'))?.attempts, 3);
  } finally {
    hook.close();
  }
});

/** A listener that records what it receives and answers with `status` (and a Location when given). */
async function listener(status: number, location?: (port: number) => string) {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${body.length} bytes`);
      res.writeHead(status, location ? { location: location(port) } : {}).end();
    });
  });
  const port = await findFreePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { port, received, close: () => server.close() };
}

test('a webhook that answers 307 gets nothing more: the redirect target receives no PDF, and the URL credentials and path are in no ledger row, error or log line', async () => {
  const elsewhere = await listener(204);
  const redirector = await listener(307, () => `http://127.0.0.1:${elsewhere.port}/stolen`);
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  try {
    const url = `http://hook-user:s3cret-pass@127.0.0.1:${redirector.port}/services/T0/B0/path-secret?token=query-secret`;
    const s = scheduler(
      [{ site: 'late', period: 'month', cron: '0 6 1 * *', deliver: [{ kind: 'webhook', url, allowHttp: true }] }],
      createDeliver({ folderRoot: dir }),
      logger,
    );
    const [outcome] = await s.tick(Date.parse('2026-12-01T08:00:00Z'));
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error!, /answered 307: redirects are not followed/);
    assert.equal(redirector.received.length, 1, 'the webhook itself was called');
    assert.deepEqual(elsewhere.received, [], 'the redirect target received nothing');
    const row = (await new DigestLedger(clickhouse).list('late')).find((r) => r.periodKind === 'month')!;
    assert.equal(row.destination, `webhook:http://127.0.0.1:${redirector.port}`);
    const seen = [row.destination, row.lastError, outcome.error!, ...lines].join('\n');
    assert.ok(lines.length > 0, 'the failure was logged');
    for (const secret of ['hook-user', 's3cret-pass', 'path-secret', 'query-secret', '/services/'])
      assert.ok(!seen.includes(secret), secret);
  } finally {
    elsewhere.close();
    redirector.close();
  }
});

test('folder delivery never writes through a symlink: not as the folder, not as the site folder; a link at the file name is replaced, not followed', async () => {
  const root = join(dir, 'root');
  const outside = join(dir, 'outside');
  mkdirSync(join(root, 'shared'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  symlinkSync(outside, join(root, 'linked'));
  symlinkSync(outside, join(root, 'shared', 'late'));
  const deliverTo = async (folder: string, t: string) => {
    const s = scheduler(
      [{ site: 'late', period: 'day', cron: '0 5 * * *', deliver: [{ kind: 'folder', dir: folder }] }],
      createDeliver({ folderRoot: root }),
    );
    return (await s.tick(Date.parse(t)))[0];
  };
  const viaLink = await deliverTo('linked', '2026-12-03T06:00:00Z');
  assert.equal(viaLink.status, 'failed');
  assert.match(viaLink.error!, /linked is a symbolic link/);
  const viaSiteLink = await deliverTo('shared', '2026-12-04T06:00:00Z');
  assert.equal(viaSiteLink.status, 'failed');
  assert.match(viaSiteLink.error!, /shared\/late is a symbolic link/);
  const escape = await deliverTo('../outside', '2026-12-05T06:00:00Z');
  assert.equal(escape.status, 'failed');
  assert.match(escape.error!, /outside the digest folder root/);
  assert.deepEqual(readdirSync(outside), [], 'nothing landed outside the root');

  // A link planted where the PDF will be written is replaced by the PDF; what it pointed at is untouched.
  mkdirSync(join(root, 'plain', 'late'), { recursive: true });
  const victim = join(outside, 'victim.txt');
  writeFileSync(victim, 'keep me');
  symlinkSync(victim, join(root, 'plain', 'late', 'digest-late-day-2026-12-05.pdf'));
  const plain = await deliverTo('plain', '2026-12-06T06:00:00Z');
  assert.equal(plain.status, 'sent');
  const written = join(root, 'plain', 'late', 'digest-late-day-2026-12-05.pdf');
  assert.equal(lstatSync(written).isSymbolicLink(), false);
  assert.equal(readFileSync(written).subarray(0, 5).toString(), '%PDF-');
  assert.equal(readFileSync(victim, 'utf8'), 'keep me');
  assert.deepEqual(
    readdirSync(join(root, 'plain', 'late')),
    ['digest-late-day-2026-12-05.pdf'],
    'no temporary file left behind',
  );
  assert.equal(existsSync(join(outside, 'late')), false);
});
