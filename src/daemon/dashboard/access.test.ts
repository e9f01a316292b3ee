import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AccessRequest,
  decideAccess,
  isJson,
  isLoopbackAddress,
  isLoopbackHost,
  isSameOrigin,
} from './access.ts';

test('isLoopbackAddress: IPv4, IPv6 and IPv4-mapped loopback only', () => {
  for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1'])
    assert.equal(isLoopbackAddress(address), true);
  for (const address of ['10.0.0.5', '192.168.1.20', '::ffff:10.0.0.5', '2001:db8::1', '0.0.0.0', undefined])
    assert.equal(isLoopbackAddress(address), false, String(address));
});

test('isLoopbackHost: exactly a loopback name and the daemon port; a name that only starts like one is not', () => {
  for (const host of ['127.0.0.1:4000', 'localhost:4000', 'LOCALHOST:4000', '[::1]:4000'])
    assert.equal(isLoopbackHost(host, 4000), true, host);
  for (const host of [
    '[::1].evil.example',
    '[::1].evil.example:4000',
    '127.0.0.1.evil.example',
    '127.0.0.1.evil.example:4000',
    'localhost.evil.example:4000',
    'evil.example:4000',
    '127.0.0.1:4001',
    '127.0.0.1',
    '127.0.0.1:4000 ',
    '10.0.0.5:4000',
    '[::2]:4000',
    undefined,
  ])
    assert.equal(isLoopbackHost(host, 4000), false, String(host));
  // Without a known port: the name alone, or with any port.
  for (const host of ['127.0.0.1', 'localhost', '[::1]', '[::1]:80'])
    assert.equal(isLoopbackHost(host), true);
  assert.equal(isLoopbackHost('[::1].evil.example'), false);
});

test('isSameOrigin: an Origin of the daemon itself, or Sec-Fetch-Site same-origin without one', () => {
  assert.equal(isSameOrigin({ origin: 'http://127.0.0.1:4000', port: 4000 }), true);
  assert.equal(isSameOrigin({ origin: 'http://localhost:4000', port: 4000 }), true);
  for (const origin of ['http://127.0.0.1:8000', 'null', 'http://evil.example', 'https://127.0.0.1:4000'])
    assert.equal(isSameOrigin({ origin, fetchSite: 'same-origin', port: 4000 }), false, origin);
  assert.equal(isSameOrigin({ fetchSite: 'same-origin', port: 4000 }), true);
  for (const fetchSite of ['same-site', 'cross-site', 'none', undefined])
    assert.equal(isSameOrigin({ fetchSite, port: 4000 }), false, String(fetchSite));
});

test('isJson: application/json with or without parameters', () => {
  assert.equal(isJson('application/json'), true);
  assert.equal(isJson('Application/JSON; charset=utf-8'), true);
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', undefined])
    assert.equal(isJson(type), false, String(type));
});

const local = { remoteAddress: '127.0.0.1', host: '127.0.0.1:4000', port: 4000 };
const remote = { remoteAddress: '192.168.1.20', host: '192.168.1.5:4000', port: 4000 };
/** What the dashboard page sends with an action. */
const page = {
  origin: 'http://127.0.0.1:4000',
  fetchSite: 'same-origin',
  contentType: 'application/json',
  csrf: true,
};
/** The app on :8000 (same site, another origin) posting with the session cookie attached. */
const otherPort = { origin: 'http://127.0.0.1:8000', fetchSite: 'same-site', contentType: 'text/plain' };

const cases: { name: string; request: AccessRequest; allowed: boolean; status?: number; says?: RegExp }[] = [
  { name: 'a read from loopback', request: { access: 'read', ...local, credential: 'none' }, allowed: true },
  {
    name: 'a read from IPv4-mapped loopback',
    request: {
      access: 'read',
      ...local,
      remoteAddress: '::ffff:127.0.0.1',
      host: 'localhost:4000',
      credential: 'none',
    },
    allowed: true,
  },
  {
    name: 'a read from another machine',
    request: { access: 'read', ...remote, credential: 'none' },
    allowed: false,
    status: 401,
    says: /reads from 192\.168\.1\.20 need the bearer token or a dashboard session/,
  },
  {
    name: 'a read from another machine with the token',
    request: { access: 'read', ...remote, credential: 'token' },
    allowed: true,
  },
  {
    name: 'a loopback read under a rebound name',
    request: { access: 'read', ...local, host: 'evil.example:4000', credential: 'none' },
    allowed: false,
    status: 401,
    says: /Host evil\.example:4000 is not this machine's loopback name/,
  },
  {
    name: 'a loopback read under [::1].evil.example',
    request: { access: 'read', ...local, host: '[::1].evil.example', credential: 'none' },
    allowed: false,
    says: /Host \[::1\]\.evil\.example is not/,
  },
  {
    name: 'an action from loopback without credentials',
    request: { access: 'action', ...local, credential: 'none', ...page },
    allowed: false,
    status: 401,
    says: /needs the bearer token .* or a dashboard session/,
  },
  {
    name: 'an action with the token, whatever its headers',
    request: { access: 'action', ...local, credential: 'token', ...otherPort },
    allowed: true,
  },
  {
    name: 'an action with the token from another machine',
    request: { access: 'action', ...remote, credential: 'token' },
    allowed: true,
  },
  {
    name: 'an action from the dashboard page with its session',
    request: { access: 'action', ...local, credential: 'session', ...page },
    allowed: true,
  },
  {
    name: 'a session action without Origin but Sec-Fetch-Site same-origin',
    request: { access: 'action', ...local, credential: 'session', ...page, origin: undefined },
    allowed: true,
  },
  {
    name: 'a session action from another port of 127.0.0.1 (the cookie is sent: same site)',
    request: { access: 'action', ...local, credential: 'session', ...page, ...otherPort, csrf: true },
    allowed: false,
    status: 403,
    says: /cross-origin request refused: Origin http:\/\/127\.0\.0\.1:8000 is not this daemon \(http:\/\/127\.0\.0\.1:4000\)/,
  },
  {
    name: 'a session action with neither Origin nor Sec-Fetch-Site (a script, not the page)',
    request: {
      access: 'action',
      ...local,
      credential: 'session',
      contentType: 'application/json',
      csrf: true,
    },
    allowed: false,
    status: 403,
    says: /no Origin header and Sec-Fetch-Site is missing/,
  },
  {
    name: 'a session action as text/plain (a no-cors fetch or a form)',
    request: { access: 'action', ...local, credential: 'session', ...page, contentType: 'text/plain' },
    allowed: false,
    status: 403,
    says: /Content-Type application\/json, not text\/plain/,
  },
  {
    name: 'a session action without the CSRF token',
    request: { access: 'action', ...local, credential: 'session', ...page, csrf: false },
    allowed: false,
    status: 403,
    says: /CSRF token in the x-gantry-csrf header/,
  },
  {
    name: 'the CSRF token for the page itself',
    request: {
      access: 'session',
      ...local,
      credential: 'session',
      origin: undefined,
      fetchSite: 'same-origin',
    },
    allowed: true,
  },
  {
    name: 'the CSRF token for another origin',
    request: { access: 'session', ...local, credential: 'session', ...otherPort },
    allowed: false,
    status: 403,
  },
  {
    name: 'the CSRF token without a session',
    request: { access: 'session', ...local, credential: 'none', fetchSite: 'same-origin' },
    allowed: false,
    status: 401,
  },
  {
    name: 'the login link from anywhere',
    request: { access: 'public', ...remote, credential: 'none' },
    allowed: true,
  },
];

for (const { name, request, allowed, status, says } of cases)
  test(`decideAccess: ${name} → ${allowed ? 'allowed' : 'refused'}`, () => {
    const decision = decideAccess(request);
    assert.equal(decision.allowed, allowed);
    if (!decision.allowed) {
      if (status) assert.equal(decision.status, status);
      if (says) assert.match(decision.message, says);
    }
  });
