import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AccessRequest, decideAccess, isLoopbackAddress, isLoopbackHost } from './access.ts';

test('isLoopbackAddress: IPv4, IPv6 and IPv4-mapped loopback only', () => {
  for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
    assert.equal(isLoopbackAddress(address), true);
  for (const address of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', '2001:db8::1', '0.0.0.0', undefined])
    assert.equal(isLoopbackAddress(address), false, String(address));
});

test('isLoopbackHost: loopback names with or without a port; any other name is not', () => {
  for (const host of ['127.0.0.1:4000', '127.0.0.1', 'localhost:4000', 'LOCALHOST', '[::1]:4000', '[::1]'])
    assert.equal(isLoopbackHost(host), true, host);
  for (const host of [
    'evil.example:4000',
    '127.0.0.1.evil.example',
    '10.0.0.5:4000',
    '[::2]:4000',
    undefined,
  ])
    assert.equal(isLoopbackHost(host), false, String(host));
});

const local = { remoteAddress: '127.0.0.1', host: '127.0.0.1:4000' };
const remote = { remoteAddress: '192.168.1.20', host: '192.168.1.5:4000' };

const cases: { name: string; request: AccessRequest; allowed: boolean; says?: RegExp }[] = [
  { name: 'a read from loopback', request: { access: 'read', ...local, credentials: false }, allowed: true },
  {
    name: 'a read from IPv4-mapped loopback',
    request: {
      access: 'read',
      remoteAddress: '::ffff:127.0.0.1',
      host: 'localhost:4000',
      credentials: false,
    },
    allowed: true,
  },
  {
    name: 'a read from another machine',
    request: { access: 'read', ...remote, credentials: false },
    allowed: false,
    says: /reads from 192\.168\.1\.20 need the bearer token or a dashboard session/,
  },
  {
    name: 'a read from another machine with credentials',
    request: { access: 'read', ...remote, credentials: true },
    allowed: true,
  },
  {
    name: 'a loopback read under a rebound name',
    request: { access: 'read', remoteAddress: '127.0.0.1', host: 'evil.example:4000', credentials: false },
    allowed: false,
    says: /Host evil\.example:4000 is not this machine's loopback name/,
  },
  {
    name: 'an action from loopback without credentials',
    request: { access: 'action', ...local, credentials: false },
    allowed: false,
    says: /needs the bearer token .* or a dashboard session/,
  },
  {
    name: 'an action with credentials',
    request: { access: 'action', ...local, credentials: true },
    allowed: true,
  },
  {
    name: 'an action from another machine with credentials',
    request: { access: 'action', ...remote, credentials: true },
    allowed: true,
  },
  {
    name: 'the login link from anywhere',
    request: { access: 'public', ...remote, credentials: false },
    allowed: true,
  },
];

for (const { name, request, allowed, says } of cases)
  test(`decideAccess: ${name} → ${allowed ? 'allowed' : 'refused'}`, () => {
    const decision = decideAccess(request);
    assert.equal(decision.allowed, allowed);
    if (says && !decision.allowed) assert.match(decision.message, says);
  });
