/**
 * The attack suite's target: a real `revisit serve` on the embedded defaults (chdb, the private
 * redis-server, the in-process bus) with two tenants seeded through the product's sinks, a key of
 * every kind, canaries planted, its log at debug level. Every answer the suite reads goes through
 * `probe`, which fails the test if it carries a secret; `stopAndCheck` does the same for the log.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateApiKey, hashApiKey } from '../../analytics-api/keys/api-key-string.ts';
import type { RevisitConfigInput } from '../../schemas/index.ts';
import { startServeProcess, type ServeProcess } from '../harness/start-serve-process.ts';
import {
  canaryToken,
  plantCanaryFiles,
  removeCanaryFiles,
  startCanaryListener,
  type CanaryFile,
  type CanaryListener,
} from './plant-canaries.ts';
import { OWN_SITE, planTwoTenantSeed, SITES, type SeedPlan } from './plan-two-tenant-seed.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'bin/revisit.js');
const SEED = fileURLToPath(new URL('./seed-two-tenants.ts', import.meta.url));
/** Files the corpus's write attempts name (INTO OUTFILE, INSERT INTO FUNCTION file): none may appear or change. */
const WRITE_TARGETS = ['/tmp/x'];

/** The keys: the attacker (viewer of acme-north only, made with `revisit keys create`) and the keys it must not become. */
export interface AttackKeys {
  attacker: string;
  /** acme, every site, viewer. */
  tenantA: string;
  /** bolt, viewer. */
  tenantB: string;
  /** acme, every site, integrator (uploads). */
  integrator: string;
  /** acme, every site, admin (erasure). */
  admin: string;
}

export interface Probe {
  status: number;
  headers: Headers;
  text: string;
}

export interface AttackTarget {
  serve: ServeProcess;
  apiUrl: string;
  biUrl: string;
  keys: AttackKeys;
  seed: SeedPlan;
  listener: CanaryListener;
  dataDir: string;
  keysFile: string;
  configFile: string;
  /** The planted canary files (data directory, beside the key file, /tmp). */
  canaryFiles: string[];
  /** Sends a request; fails if the answer's status line, headers or body carries a secret. */
  probe(url: string, init?: RequestInit): Promise<Probe>;
  /** How many answers were checked so far. */
  probed(): number;
  /** Stops serve, then asserts: no secret in any log line, no connection to the listener, no file written. */
  stopAndCheck(): Promise<void>;
  remove(): Promise<void>;
}

/** What no answer or log line may hold, each with a name for the failure message (never the secret itself). */
function secretsOf(files: CanaryFile[], seed: SeedPlan, keys: AttackKeys, keysFile: string): Array<[string, string]> {
  const masterKeys = Object.values(
    (JSON.parse(readFileSync(keysFile, 'utf8')) as { keys?: Record<string, string> }).keys ?? {},
  );
  assert.ok(masterKeys.length > 0, 'the key file holds the master key');
  return [
    ...files.map((f): [string, string] => [`the token of canary file ${f.path}`, f.token]),
    ...seed.canaryIds.map((id): [string, string] => ['a canary identity id', id]),
    ['a seeded identity id', seed.identityPrefix],
    ...masterKeys.map((k): [string, string] => ['the AES master key', k]),
    ...Object.entries(keys).map(([name, key]): [string, string] => [`the ${name} API key`, key]),
  ];
}

function writeTargetsState(): string {
  return WRITE_TARGETS.map((p) => (existsSync(p) ? `${p}:${statSync(p).mtimeMs}` : `${p}:absent`)).join(',');
}

/** Seeds, creates the attacker's key with the CLI, starts serve. `overrides` go into the configuration file. */
export async function startAttackTarget(
  overrides: Pick<RevisitConfigInput, 'api' | 'bi' | 'ingest' | 'metrics'> = {},
): Promise<AttackTarget> {
  const runId = randomBytes(8).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'revisit-attack-data-'));
  // The layout of /etc/revisit/: configuration and key file side by side, outside the data directory.
  const secretsDir = mkdtempSync(join(tmpdir(), 'revisit-attack-etc-'));
  const keysFile = join(secretsDir, 'keys.json');
  const configFile = join(secretsDir, 'revisit.json');
  const listener = await startCanaryListener();
  const files = plantCanaryFiles(dataDir, secretsDir);
  const nowMs = Date.now();
  const seed = planTwoTenantSeed(runId, [canaryToken('cnry'), canaryToken('cnry')], nowMs);
  const fixed = {
    tenantA: generateApiKey().key,
    tenantB: generateApiKey().key,
    integrator: generateApiKey().key,
    admin: generateApiKey().key,
  };
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir,
      sites: SITES,
      ...overrides,
      api: {
        host: '127.0.0.1',
        port: 0,
        ...overrides.api,
        keys: [
          { tenant: 'acme', sha256: hashApiKey(fixed.tenantA) },
          { tenant: 'bolt', sha256: hashApiKey(fixed.tenantB) },
          { tenant: 'acme', sha256: hashApiKey(fixed.integrator), role: 'integrator' },
          { tenant: 'acme', sha256: hashApiKey(fixed.admin), role: 'admin' },
        ],
      },
      bi: { port: 0, ...overrides.bi },
    }),
  );
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: secretsDir,
    REVISIT_CONFIG: configFile,
    REVISIT_KEYS_FILE: keysFile,
    LOG_LEVEL: 'debug',
    OMP_NUM_THREADS: '1',
  };
  const run = (args: string[]) => promisify(execFile)(process.execPath, args, { env, cwd: ROOT, timeout: 120_000 });
  let serve: ServeProcess | undefined;
  const remove = async () => {
    await serve?.stop();
    await listener.close();
    removeCanaryFiles(files);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(secretsDir, { recursive: true, force: true });
  };
  try {
    // mkdtemp made the data directory already: the key store's file and the seeded stores do not meet.
    const [, created] = await Promise.all([
      run(['--import', 'tsx', SEED, runId, String(nowMs), ...seed.canaryIds]),
      run([CLI, 'keys', 'create', '--tenant', 'acme', '--sites', OWN_SITE, '--label', 'attacker']),
    ]);
    const keys: AttackKeys = { attacker: created.stdout.trim().split('\n').pop()!, ...fixed };
    const writesBefore = writeTargetsState();
    serve = await startServeProcess(env);
    const secrets = secretsOf(files, seed, keys, keysFile);
    const leakIn = (text: string) => secrets.find(([, s]) => text.includes(s))?.[0];
    // The detector itself: it must see the secrets where they are.
    for (const file of [...files.map((f) => f.path), keysFile])
      assert.ok(leakIn(readFileSync(file, 'utf8')), `the detector misses what ${file} holds`);
    let probed = 0;
    const running = serve;
    return {
      serve: running,
      apiUrl: running.apiUrl,
      biUrl: running.biUrl!,
      keys,
      seed,
      listener,
      dataDir,
      keysFile,
      configFile,
      canaryFiles: files.map((f) => f.path),
      probed: () => probed,
      async probe(url, init = {}) {
        const res = await fetch(url, { signal: AbortSignal.timeout(120_000), ...init });
        const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
        const head = [`${res.status} ${res.statusText}`, ...[...res.headers].map(([k, v]) => `${k}: ${v}`)].join('\n');
        const leak = leakIn(`${head}\n${text}`);
        assert.equal(leak, undefined, `${leak} in the answer to ${init.method ?? 'GET'} ${url.slice(0, 200)}`);
        probed++;
        return { status: res.status, headers: res.headers, text };
      },
      async stopAndCheck() {
        await running.stop();
        const lines = running.output().split('\n');
        for (const line of lines) {
          const leak = leakIn(line);
          assert.equal(leak, undefined, `${leak} in a line of serve's log: ${line.slice(0, 300)}`);
        }
        assert.ok(
          lines.some((l) => l.includes('"level":20')),
          'the log was at debug level',
        );
        assert.equal(listener.connections(), 0, 'the canary listener received a connection');
        assert.equal(writeTargetsState(), writesBefore, 'a file named by a write attempt appeared or changed');
      },
      remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}
