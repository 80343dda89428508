// The public/non-public split on every written form of the addresses an attacker would try.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressSet, clientNetwork, inAddressSet, isLoopbackHost, isPublicAddress } from './address-ranges.ts';

test('loopback, private, CGNAT, link-local, metadata, multicast and unspecified are not public, in v4, v6 and IPv4-mapped forms', () => {
  for (const address of [
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '0.0.0.0',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'ff02::1',
    'fec0::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    '::127.0.0.1',
    '64:ff9b:1::a00:1',
    '2002:7f00:1::',
    '2001:0:4136:e378::1',
    'fe80::1%eth0',
    // The well-known NAT64 prefix: a NAT64 gateway forwards to the embedded IPv4 address.
    '64:ff9b::7f00:1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::a00:5',
    '64:FF9B:0:0:0:0:c0a8:101',
  ]) {
    assert.equal(isPublicAddress(address), false, address);
  }
});

test('public addresses are public, whatever their form; non-addresses are not', () => {
  for (const address of [
    '8.8.8.8',
    '1.1.1.1',
    '100.128.0.1',
    '172.32.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '64:ff9b::8.8.4.4',
  ]) {
    assert.equal(isPublicAddress(address), true, address);
  }
  for (const notAddress of ['localhost', '2130706433', '0x7f.1', '', 'example.com'])
    assert.equal(isPublicAddress(notAddress), false, notAddress);
});

test('configured sets hold addresses and blocks, and refuse anything else', () => {
  const set = addressSet(['10.0.0.0/8', '::1', '192.0.2.7']);
  assert.equal(inAddressSet(set, '10.9.9.9'), true);
  assert.equal(inAddressSet(set, '::ffff:10.9.9.9'), true);
  assert.equal(inAddressSet(set, '::1'), true);
  assert.equal(inAddressSet(set, '192.0.2.7'), true);
  assert.equal(inAddressSet(set, '192.0.2.8'), false);
  assert.equal(inAddressSet(set, 'not-an-ip'), false);
  for (const bad of ['10.0.0.0/33', '10.0.0/8', 'example.com', '::1/129', '10.0.0.0/x', '10.0.0.0/8/8'])
    assert.throws(() => addressSet([bad]), /not an IP address/, bad);
});

test('loopback listen hosts', () => {
  for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) assert.equal(isLoopbackHost(host), false, host);
});

test('clients are counted per IPv4 address and per IPv6 /64, whatever the spelling', () => {
  assert.equal(clientNetwork('203.0.113.9'), '203.0.113.9');
  assert.equal(clientNetwork('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(clientNetwork('::ffff:cb00:7109'), '203.0.113.9');
  assert.equal(clientNetwork('2001:db8:aa:bb:1:2:3:4'), '2001:db8:aa:bb::/64');
  assert.equal(clientNetwork('2001:DB8:AA:BB::ffff'), '2001:db8:aa:bb::/64');
  assert.equal(clientNetwork('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(clientNetwork('::1'), '0:0:0:0::/64');
  assert.equal(clientNetwork('in-process'), 'in-process');
});
