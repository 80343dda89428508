// The BI engine's sandbox, attacked as if the SQL check had been bypassed: queries sent straight to
// the engine must not read the data directory, reach a local listener, see raw tables, or find a
// secret in their environment. Needs user namespaces (bi.isolation = namespaces fails otherwise).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../common/config.ts';
import { createLogger } from '../../common/logger.ts';
import { hiddenPaths, openBiService } from '../../analytics-api/bi/open-bi-service.ts';
import { metricsRegistry } from '../../common/metrics.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { BiError } from '../../analytics-api/bi/bi-error.ts';
import { detectBiIsolation, sandboxArgv, type BiIsolation } from '../../analytics-api/bi/sandbox/bi-isolation.ts';
import { BiSandbox } from '../../analytics-api/bi/sandbox/bi-sandbox.ts';

const CANARY = `canary-${randomBytes(8).toString('hex')}`;
const BI_TABLES = ['bi_camera_transitions_daily', 'bi_dwell_daily', 'bi_footfall_hourly', 'bi_visitors_daily'];

let dataDir: string;
let canaryFile: string;
let configFile: string;
let isolation: BiIsolation;
let sandbox: BiSandbox;
let listener: Server;
let port: number;
let connections = 0;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'revisit-bi-iso-'));
  canaryFile = join(dataDir, 'keys.json');
  writeFileSync(canaryFile, CANARY);
  // The configuration file (it can hold encryption keys) lives outside the data directory.
  configFile = join(mkdtempSync(join(tmpdir(), 'revisit-bi-iso-config-')), 'revisit.json');
  writeFileSync(configFile, JSON.stringify({ encryption: { keys: { k1: CANARY } } }));
  listener = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as { port: number }).port;
  // A secret in this process's environment must not reach the engine.
  process.env.REVISIT_BI_TEST_SECRET = CANARY;
  isolation = await detectBiIsolation('namespaces');
  const config = loadConfig({ dataDir, bi: { limits: { maxExecutionSeconds: 3, killMarginSeconds: 2 } } }, {});
  sandbox = await BiSandbox.start({
    isolation,
    hidden: hiddenPaths(config, configFile),
    limits: config.bi.limits,
    logger: createLogger('test'),
  });
  const table = (name: string) => ({ name, tsv: Buffer.from('site_id\tvisits\nString\tNullable(UInt64)\ns1\t7\n') });
  await sandbox.load(BI_TABLES.map(table));
});

after(async () => {
  delete process.env.REVISIT_BI_TEST_SECRET;
  await sandbox?.stop();
  await new Promise((r) => listener.close(r));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(join(configFile, '..'), { recursive: true, force: true });
});

/** Runs SQL on the engine directly (no SQL check): the whole answer, or the error the client would get. */
async function run(sql: string): Promise<string> {
  try {
    const result = await sandbox.query(sql, 'TabSeparated', false);
    const parts: Buffer[] = [];
    for (let piece = await sandbox.read(result.id); piece; piece = await sandbox.read(result.id))
      parts.push(Buffer.from(piece));
    return Buffer.concat(parts).toString();
  } catch (err) {
    assert.ok(err instanceof BiError, String(err));
    return `error ${err.code}: ${err.message}`;
  }
}

test('the data directory is empty and the configuration file blank inside: no file function reads the canary (a key file)', async () => {
  assert.match(
    await run("SELECT file('/etc/hostname')"),
    /\S/,
    'file() itself works: absence below is the sandbox, not a broken function',
  );
  for (const sql of [
    `SELECT file('${canaryFile}')`,
    `SELECT * FROM file('${canaryFile}', 'RawBLOB')`,
    `SELECT file('${dataDir}/clickhouse/metadata/default.sql')`,
  ]) {
    const out = await run(sql);
    assert.match(out, /^error /, sql);
    assert.ok(!out.includes(CANARY), sql);
  }
  assert.equal(existsSync(canaryFile), true, 'hidden inside only: the file is still there outside');
  const config = await run(`SELECT file('${configFile}')`);
  assert.ok(!config.includes(CANARY), 'the configuration file reads as empty');
});

test('no network: url() and a TCP connect from inside never reach a local listener', async () => {
  for (const sql of [
    `SELECT * FROM url('http://127.0.0.1:${port}/', 'RawBLOB')`,
    `SELECT * FROM url('http://localhost:${port}/x', 'CSV', 'a String')`,
  ]) {
    assert.match(await run(sql), /^error /, sql);
  }
  // Code running in the same sandbox (as a bug in the engine would) gets no route to the host either.
  const probeDir = mkdtempSync(join(tmpdir(), 'revisit-bi-iso-probe-'));
  const [cmd, ...args] = sandboxArgv(
    (isolation as { unshare: string }).unshare,
    probeDir,
    [dataDir],
    [
      process.execPath,
      '-e',
      `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(3))`,
    ],
  );
  const probe = await promisify(execFile)(cmd, args, { env: {} }).then(
    () => 0,
    (err: { code?: number }) => err.code,
  );
  rmSync(probeDir, { recursive: true, force: true });
  assert.equal(probe, 3, 'the connect failed inside');
  assert.equal(connections, 0, 'the listener saw no connection');
});

test('only the four BI tables exist, and nothing can be written', async () => {
  const tables = (
    await run(
      "SELECT database, name FROM system.tables WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') ORDER BY name",
    )
  )
    .trim()
    .split('\n');
  assert.deepEqual(
    tables,
    BI_TABLES.map((t) => `default\t${t}`),
  );
  const outfile = join(tmpdir(), `revisit-bi-outfile-${CANARY}`);
  assert.match(await run(`SELECT 1 INTO OUTFILE '${outfile}'`), /^error /);
  assert.equal(existsSync(outfile), false, 'INTO OUTFILE (which readonly does not stop) hit a read-only filesystem');
  assert.match(await run("INSERT INTO bi_dwell_daily VALUES ('s2', 1)"), /^error 164/);
});

test('an engine starts when the configuration file sits beside the key file (/etc/revisit/ holding both), and reads neither', async () => {
  const etc = mkdtempSync(join(tmpdir(), 'revisit-bi-iso-etc-'));
  const keysFile = join(etc, 'keys.json');
  const besideKeys = join(etc, 'revisit.json');
  writeFileSync(keysFile, CANARY);
  writeFileSync(besideKeys, CANARY);
  const config = loadConfig({ dataDir, encryption: { keysFile } }, {});
  const engine = await BiSandbox.start({
    isolation,
    hidden: hiddenPaths(config, besideKeys),
    limits: config.bi.limits,
    logger: createLogger('test'),
  });
  try {
    for (const file of [keysFile, besideKeys]) {
      const result = await engine.query(`SELECT file('${file}')`, 'TabSeparated', false).then(
        async (r) => Buffer.from((await engine.read(r.id)) ?? []).toString(),
        (e: unknown) => `error ${(e as BiError).code}`,
      );
      assert.ok(!result.includes(CANARY), file);
    }
  } finally {
    await engine.stop();
    rmSync(etc, { recursive: true, force: true });
  }
});

test("the engine's environment and process table hold no secret of the API process", async () => {
  const env = await run("SELECT file('/proc/self/environ')");
  assert.doesNotMatch(env, /^error/);
  assert.doesNotMatch(env, /REVISIT_/);
  assert.ok(!env.includes(CANARY));
  assert.match(
    await run(`SELECT file('/proc/${process.pid}/environ')`),
    /^error /,
    "the API's process is not visible (own pid namespace)",
  );
});

test('without namespaces (bi.isolation = process) engines are plain children, and status and metric say what is missing', async () => {
  const config = loadConfig({ dataDir, bi: { isolation: 'process' } }, {});
  const service = await openBiService(config, {} as ClickHouseClient);
  try {
    const status = service.status();
    assert.equal(status.isolation, 'process');
    assert.match(status.missing!, /network, the data and key directories/);
    assert.match(
      await metricsRegistry.getSingleMetricAsString('revisit_bi_engine_isolated'),
      /^revisit_bi_engine_isolated 0$/m,
    );
  } finally {
    await service.close();
  }
  const plain = await BiSandbox.start({
    isolation: await detectBiIsolation('process'),
    hidden: [],
    limits: config.bi.limits,
    logger: createLogger('test'),
  });
  try {
    const result = await plain.query("SELECT file('/proc/self/environ')", 'TabSeparated', false);
    const env = Buffer.from((await plain.read(result.id))!).toString();
    assert.doesNotMatch(env, /REVISIT_/, 'even a plain child starts with an empty environment');
  } finally {
    await plain.stop();
  }
});

test('an engine still busy past max_execution_time plus the margin is killed, and the client gets the time-limit error', async () => {
  const limits = loadConfig({ bi: { limits: { maxExecutionSeconds: 1, killMarginSeconds: 1 } } }, {}).bi.limits;
  const engine = await BiSandbox.start({ isolation, hidden: [dataDir], limits, logger: createLogger('test') });
  // One function call over one 30M-element array: the engine checks its time limit between blocks, never inside.
  const long = 'SELECT length(arrayFilter(x -> sipHash64(x, x, x, x, x, x, x, x) = 0, range(toUInt32(30000000))))';
  await assert.rejects(
    engine.query(long, 'TabSeparated', false),
    (e: unknown) => e instanceof BiError && e.code === 159 && e.engineLost,
  );
  await engine.exited;
  assert.equal(engine.running, false);
});
