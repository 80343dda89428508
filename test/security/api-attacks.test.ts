// The API's boundaries against a real `revisit serve`: reports, charts and CSV of a site the key may
// not read (they must look exactly like a site that does not exist), uploads that are not raster
// images or that declare too many pixels, callbacks aimed at this machine in every spelling and
// through a redirect, erasure by keys that may not erase, and the security headers of every
// listener. At the end nothing leaked and the canary listener saw no connection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { MODEL_ID, MODEL_VERSION } from '../../models/index.ts';
import { makePngBomb } from '../fixtures/make-png-bomb.ts';
import { FOREIGN_SITES, OWN_SITE } from './plan-two-tenant-seed.ts';
import { startAttackTarget, type AttackTarget, type Probe } from './start-attack-target.ts';

const REPORTS = ['footfall', 'dwell', 'returning', 'paths', 'transitions', 'occupancy'];
const CHARTS = ['footfall', 'new-vs-returning', 'dwell', 'paths', 'transitions', 'occupancy'];
/** Stands for a public server the integrator controls: allow-listed, it answers every callback with a redirect to the canary listener. */
const REDIRECTOR_HOST = '127.0.0.2';

let target: AttackTarget;
let redirector: Server;
let redirectorHits = 0;

before(async () => {
  target = await startAttackTarget({
    ingest: { upload: { callbackAllowHttp: true, callbackAllowList: [REDIRECTOR_HOST] } },
  });
  redirector = createServer((req, res) => {
    redirectorHits++;
    res.writeHead(307, { location: `http://127.0.0.1:${target.listener.port}/stolen` }).end();
  });
  await new Promise<void>((r) => redirector.listen(0, REDIRECTOR_HOST, r));
});

after(async () => {
  redirector?.close();
  await target?.remove();
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const get = (path: string, key: string) => target.probe(`${target.apiUrl}${path}`, { headers: bearer(key) });
const post = (path: string, key: string, body: string | Uint8Array<ArrayBuffer>, type: string) =>
  target.probe(`${target.apiUrl}${path}`, { method: 'POST', headers: { ...bearer(key), 'content-type': type }, body });

/** Status, body and header names of an answer with `site` replaced: what tells two answers apart. */
function shape(p: Probe, site: string) {
  const names = [...p.headers.keys()].filter((h) => !['date', 'content-length'].includes(h)).sort();
  return { status: p.status, body: p.text.replaceAll(site, '<site>'), names };
}

test('every report, chart and CSV of another site or tenant looks exactly like a site that does not exist', async () => {
  const { day2 } = target.seed;
  const today = new Date().toISOString().slice(0, 10);
  const range = `from=${day2}&to=${today}`;
  const paths = (site: string) => [
    ...REPORTS.map((r) => `/api/v1/sites/${site}/reports/${r}?${range}`),
    ...CHARTS.map((c) => `/api/v1/sites/${site}/charts/${c}?${range}`),
    `/api/v1/sites/${site}/reports/footfall?${range}&format=csv`,
  ];
  for (const path of paths(OWN_SITE)) assert.equal((await get(path, target.keys.attacker)).status, 200, path);
  const missing = paths('no-such-site');
  const asMissing = await Promise.all(
    missing.map(async (p) => shape(await get(p, target.keys.attacker), 'no-such-site')),
  );
  assert.ok(asMissing.every((s) => s.status === 404));
  const attempts: Array<[string, string]> = [
    ...FOREIGN_SITES.map((site): [string, string] => [site, target.keys.attacker]),
    [OWN_SITE, target.keys.tenantB],
    ['ACME-SOUTH', target.keys.attacker],
    ['%61cme-south', target.keys.attacker],
    [`${OWN_SITE}%2F..%2Facme-south`, target.keys.attacker],
  ];
  for (const [site, key] of attempts) {
    const answers = await Promise.all(paths(site).map((p) => get(p, key)));
    const decoded = decodeURIComponent(site);
    answers.forEach((a, i) => assert.deepEqual(shape(a, decoded), asMissing[i], `${paths(site)[i]}`));
  }
  assert.deepEqual(
    JSON.parse((await get('/api/v1/sites', target.keys.attacker)).text).sites.map((s: { id: string }) => s.id),
    [OWN_SITE],
  );
});

test('uploads: SVG (also one pointing at this machine), a PNG pixel bomb and a non-image are refused before decoding; no key uploads outside its role and sites', async () => {
  const faces = (site: string) => `/api/v1/sites/${site}/cameras/door/faces`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><image href="http://127.0.0.1:${target.listener.port}/x.png" width="64" height="64"/><image href="file://${target.canaryFiles[2]}"/></svg>`;
  const refusals: Array<[string | Uint8Array<ArrayBuffer>, string, number, string]> = [
    [svg, 'image/svg+xml', 415, 'unsupported_media_type'],
    [svg, 'image/png', 415, 'unsupported_media_type'],
    [makePngBomb(16000), 'image/png', 413, 'too_many_pixels'],
    ['GIF89a not really', 'image/gif', 415, 'unsupported_media_type'],
    ['hello', 'image/jpeg', 415, 'unsupported_media_type'],
    ['{"embedding":[1]}', 'application/json', 415, 'unsupported_media_type'],
  ];
  for (const [body, type, status, code] of refusals) {
    const res = await post(faces(OWN_SITE), target.keys.integrator, body, type);
    assert.equal(res.status, status, `${type}: ${res.text}`);
    assert.equal(JSON.parse(res.text).error.code, code, type);
  }
  assert.equal(
    (await post(faces(OWN_SITE), target.keys.attacker, makePngBomb(64), 'image/png')).status,
    403,
    'a viewer may not upload',
  );
  for (const site of FOREIGN_SITES.slice(1))
    assert.equal((await post(faces(site), target.keys.integrator, makePngBomb(64), 'image/png')).status, 404, site);
});

/** An embedding upload of the integrator with `callbackUrl`. */
const uploadWithCallback = (callbackUrl: string) =>
  post(
    `/api/v1/sites/${OWN_SITE}/cameras/door/embeddings`,
    target.keys.integrator,
    JSON.stringify({
      embedding: Array.from({ length: 512 }, (_, i) => Math.sin(i + callbackUrl.length)),
      quality: 0.9,
      modelId: MODEL_ID,
      modelVersion: MODEL_VERSION,
      callbackUrl,
    }),
    'application/json',
  );

test('callbacks to this machine are refused in every spelling; a host name resolving to it and a redirect to it never connect', async () => {
  const port = target.listener.port;
  const spellings = [
    `http://127.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    `http://2130706433:${port}/`,
    `http://0x7f.0.0.1:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://[::1]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::ffff:7f00:1]:${port}/`,
    `http://[0:0:0:0:0:ffff:7f00:1]:${port}/`,
    `http://[64:ff9b::7f00:1]:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://[::]:${port}/`,
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    `http://user:password@127.0.0.1:${port}/`,
    `ftp://127.0.0.1:${port}/`,
    `file://${target.canaryFiles[0]}`,
    `gopher://127.0.0.1:${port}/`,
    'not a url',
  ];
  for (const url of spellings) {
    const res = await uploadWithCallback(url);
    assert.equal(res.status, 400, `${url}: ${res.text}`);
    // Not http(s) at all: refused by the body's schema already.
    assert.equal(JSON.parse(res.text).error.code, /^https?:/.test(url) ? 'bad_callback_url' : 'bad_request', url);
  }
  // A name passes the upload's check; its addresses are checked when the callback connects.
  const byName = await uploadWithCallback(`http://localhost:${port}/hook`);
  assert.equal(byName.status, 202, byName.text);
  const named = JSON.parse(byName.text).observationId as string;
  await target.serve.waitForOutput(new RegExp(`"observationId":"${named}","msg":"identity callback failed"`), 60_000);
  // An allowed target's redirect is an answer, never followed.
  const redirected = await uploadWithCallback(
    `http://${REDIRECTOR_HOST}:${(redirector.address() as { port: number }).port}/hook`,
  );
  assert.equal(redirected.status, 202, redirected.text);
  const id = JSON.parse(redirected.text).observationId as string;
  await target.serve.waitForOutput(
    new RegExp(`"status":307,"observationId":"${id}","msg":"identity callback refused"`),
    60_000,
  );
  assert.equal(redirectorHits, 1, 'the allowed target received its one callback');
  assert.equal(target.listener.connections(), 0, 'the listener saw neither callback');
});

test("erasure: a viewer or integrator may not erase, nor an admin another tenant's site; the other tenant's figures stay", async () => {
  const body = JSON.stringify({ embedding: Array.from({ length: 512 }, (_, i) => Math.cos(i)) });
  const erase = (site: string, key: string, data: string | Uint8Array<ArrayBuffer> = body, type = 'application/json') =>
    post(`/api/v1/sites/${site}/erasure`, key, data, type);
  assert.equal((await erase(OWN_SITE, target.keys.attacker)).status, 403, 'viewer');
  assert.equal((await erase(OWN_SITE, target.keys.integrator)).status, 403, 'integrator');
  for (const site of FOREIGN_SITES) assert.equal((await erase(site, target.keys.attacker)).status, 404, site);
  assert.equal((await erase('bolt-central', target.keys.admin)).status, 404, "acme's admin on bolt's site");
  assert.equal((await erase(OWN_SITE, target.keys.admin, makePngBomb(16000), 'image/png')).status, 413, 'pixel bomb');
  const sql = encodeURIComponent(`SELECT visitors FROM bi_visitors_daily WHERE local_date = '${target.seed.day1}'`);
  const bolt = await target.probe(`${target.biUrl}/?query=${sql}`, {
    headers: { 'X-ClickHouse-Key': target.keys.tenantB },
  });
  assert.equal(bolt.text, '9\n');
});

test("static paths: no spelling of a path reaches a file outside the dashboard's own", async () => {
  const up = '..%2f'.repeat(12);
  const files = [...target.canaryFiles, target.keysFile, target.configFile];
  for (const file of files) {
    const rel = encodeURIComponent(file.slice(1));
    for (const path of [
      `/assets/${up}${rel}`,
      `/${up}${rel}`,
      `/dashboard.js/${up}${rel}`,
      `/api/docs/${up}${rel}`,
      `/assets/%2e%2e%5c%2e%2e%5c${rel}`,
    ]) {
      for (const base of [target.apiUrl, target.biUrl]) {
        const res = await target.probe(`${base}${path}`);
        assert.ok(
          res.status === 404 || (base === target.biUrl && res.text === 'Ok.\n'),
          `${base}${path}: ${res.status}`,
        );
      }
    }
  }
});

test('security headers on every listener: no sniffing, no framing, no referrer, no caching of data, a CSP without unsafe-eval', async () => {
  const { apiUrl, biUrl, keys } = target;
  const key = { 'X-ClickHouse-Key': keys.attacker };
  const answers: Array<[string, Promise<Probe>, boolean]> = [
    ['dashboard /', target.probe(`${apiUrl}/`), false],
    ['/api/docs', target.probe(`${apiUrl}/api/docs`), false],
    ['/api/v1/sites', target.probe(`${apiUrl}/api/v1/sites`, { headers: bearer(keys.attacker) }), true],
    [
      '/api/v1 404',
      target.probe(`${apiUrl}/api/v1/sites/bolt-central/reports/dwell`, { headers: bearer(keys.attacker) }),
      true,
    ],
    ['/api/v1 401', target.probe(`${apiUrl}/api/v1/sites`), true],
    ['/bi/ answer', target.probe(`${apiUrl}/bi/?query=SELECT%201`, { headers: key }), true],
    ['/bi/ refusal', target.probe(`${apiUrl}/bi/?query=SELECT%20*%20FROM%20visits`, { headers: key }), true],
    ['BI listener ping', target.probe(`${biUrl}/ping`), false],
    ['BI listener answer', target.probe(`${biUrl}/?query=SELECT%201`, { headers: key }), true],
    ['BI listener 401', target.probe(`${biUrl}/?query=SELECT%201`), true],
    ['unknown route', target.probe(`${apiUrl}/no/such/route`), false],
  ];
  for (const [what, pending, data] of answers) {
    const { headers } = await pending;
    assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
    assert.equal(headers.get('x-frame-options'), 'DENY', what);
    assert.equal(headers.get('referrer-policy'), 'no-referrer', what);
    const csp = headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/, what);
    assert.doesNotMatch(csp, /unsafe-eval/, what);
    assert.doesNotMatch(/script-src[^;]*/.exec(csp)?.[0] ?? '', /unsafe-inline/, what);
    if (data) assert.equal(headers.get('cache-control'), 'no-store', what);
  }
});

test('nothing leaked: no canary in any answer or log line, no connection to the listener, no file written', async (t) => {
  t.diagnostic(`${target.probed()} answers checked`);
  await target.stopAndCheck();
});
