// The client address on a real socket: the peer as @hono/node-server reports it, X-Forwarded-For ignored unless the peer is trusted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { createClientAddress, IN_PROCESS } from './client-address.ts';

async function echoServer(trustedProxies: string[]) {
  const clientAddress = createClientAddress(trustedProxies);
  const app = new Hono();
  app.get('/', (c) => c.text(clientAddress(c)));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { app, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('over a socket the client is its peer; a forged X-Forwarded-For changes nothing', async () => {
  const { app, url, close } = await echoServer([]);
  try {
    assert.equal(await (await fetch(url)).text(), '127.0.0.1');
    assert.equal(await (await fetch(url, { headers: { 'x-forwarded-for': '198.51.100.1' } })).text(), '127.0.0.1');
    assert.equal(await (await app.request('/')).text(), IN_PROCESS, 'no socket, no address');
  } finally {
    await close();
  }
});

test('behind a trusted proxy the hop it appended is the client', async () => {
  const { url, close } = await echoServer(['127.0.0.1']);
  try {
    assert.equal(
      await (await fetch(url, { headers: { 'x-forwarded-for': '10.9.9.9, 198.51.100.1' } })).text(),
      '198.51.100.1',
    );
    assert.equal(
      await (await fetch(url, { headers: { 'x-forwarded-for': 'not-an-ip' } })).text(),
      '127.0.0.1',
      'garbage stops at the proxy',
    );
    assert.equal(await (await fetch(url)).text(), '127.0.0.1');
  } finally {
    await close();
  }
});
