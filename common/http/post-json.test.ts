// Outbound POSTs against real local listeners: what the guard refuses never arrives, what the allow-list admits does, redirects are never followed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundGuard } from './outbound-guard.ts';
import { postJson, redactUrl } from './post-json.ts';

interface Listener {
  server: Server;
  port: number;
  received: string[];
}

async function listen(answer: (port: number) => { status: number; location?: string }): Promise<Listener> {
  const received: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(`${req.url} ${body}`);
      const { status, location } = answer((server.address() as AddressInfo).port);
      res.writeHead(status, location ? { location } : {}).end();
    });
  });
  // '::' takes IPv4 too (dual stack): every spelling below really reaches it without a guard.
  await new Promise<void>((r) => server.listen(0, '::', r));
  return { server, port: (server.address() as AddressInfo).port, received };
}

let hook: Listener;
let elsewhere: Listener;
let redirector: Listener;

before(async () => {
  hook = await listen(() => ({ status: 204 }));
  elsewhere = await listen(() => ({ status: 204 }));
  redirector = await listen(() => ({ status: 307, location: `http://127.0.0.1:${elsewhere.port}/stolen` }));
});

after(() => {
  for (const l of [hook, elsewhere, redirector]) l.server.close();
});

const local = (port: number) => [
  `http://127.0.0.1:${port}/a`,
  `http://[::ffff:127.0.0.1]:${port}/b`,
  `http://2130706433:${port}/c`,
  `http://0x7f.1:${port}/d`,
  `http://[::1]:${port}/e`,
  `http://localhost:${port}/f`,
];

test('without a guard every local spelling reaches the listener (so the refusals below are not vacuous)', async () => {
  hook.received.length = 0;
  for (const url of local(hook.port))
    assert.equal((await postJson(url, { n: 1 }, { timeoutMs: 5000 })).status, 204, url);
  assert.equal(hook.received.length, local(hook.port).length);
});

test('the guard refuses loopback in every spelling, also a host name resolving to it; the listener receives nothing', async () => {
  hook.received.length = 0;
  const guard = new OutboundGuard({ allowHttp: true, allowList: [] });
  for (const url of local(hook.port)) {
    await assert.rejects(postJson(url, { n: 1 }, { timeoutMs: 5000, guard }), /refused|not a public address/, url);
  }
  assert.deepEqual(hook.received, []);
  assert.equal(
    guard.refusal(`http://localhost:${hook.port}/`),
    null,
    'a name passes the URL check: only connect time knows its address',
  );
  for (const url of [
    'http://169.254.169.254/latest/meta-data/',
    'http://[fe80::1]/',
    'http://10.0.0.1/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://0.0.0.0/',
    'http://[::ffff:a9fe:a9fe]/',
  ]) {
    assert.match(guard.refusal(url) ?? '', /not a public address/, url);
  }
});

test('https only unless http is allowed; other schemes and non-URLs never', () => {
  const strict = new OutboundGuard({ allowHttp: false, allowList: [] });
  assert.equal(strict.refusal('https://hooks.example.com/x'), null);
  assert.match(strict.refusal('http://hooks.example.com/x') ?? '', /https/);
  for (const url of ['ftp://example.com/', 'file:///etc/passwd', 'gopher://example.com/', 'not a url'])
    assert.notEqual(strict.refusal(url), null, url);
});

test('an allow-listed network or host name does receive the callback', async () => {
  hook.received.length = 0;
  const byNetwork = new OutboundGuard({ allowHttp: true, allowList: ['127.0.0.0/8'] });
  assert.equal(
    (await postJson(`http://127.0.0.1:${hook.port}/net`, { n: 2 }, { timeoutMs: 5000, guard: byNetwork })).status,
    204,
  );
  const byName = new OutboundGuard({ allowHttp: true, allowList: ['localhost'] });
  assert.equal(
    (await postJson(`http://localhost:${hook.port}/name`, { n: 3 }, { timeoutMs: 5000, guard: byName })).status,
    204,
  );
  assert.deepEqual(hook.received, ['/net {"n":2}', '/name {"n":3}']);
});

test('a redirect is an answer, never followed: the redirect target receives nothing', async () => {
  elsewhere.received.length = 0;
  const guard = new OutboundGuard({ allowHttp: true, allowList: ['127.0.0.1'] });
  const { status } = await postJson(`http://127.0.0.1:${redirector.port}/hook`, { n: 4 }, { timeoutMs: 5000, guard });
  assert.equal(status, 307);
  assert.equal(redirector.received.length, 1);
  assert.deepEqual(elsewhere.received, []);
});

test('errors and redacted URLs carry no credentials, path or query (webhook services keep secrets in the path)', async () => {
  assert.equal(
    redactUrl('https://user:s3cret@hooks.example.com/services/T0/B0/XyZ?token=abc'),
    'https://hooks.example.com',
  );
  const closed = await listen(() => ({ status: 204 }));
  await new Promise<void>((r) => closed.server.close(() => r()));
  const err = await postJson(
    `http://user:s3cret@127.0.0.1:${closed.port}/services/XyZ?token=abc`,
    {},
    { timeoutMs: 5000 },
  ).catch((e: Error) => e);
  assert.ok(err instanceof Error);
  assert.doesNotMatch(err.message, /s3cret|token|abc|user|XyZ/);
  assert.match(err.message, /ECONNREFUSED/);
});
