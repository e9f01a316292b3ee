import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookieValue, SESSION_COOKIE, sessionCookie } from './cookies.ts';
import { CODE_LIFETIME_MS, Login, SESSION_LIFETIME_MS } from './login.ts';

const NOW = 1_700_000_000_000;

test('a login code is redeemed once for a session; the second time it is refused', () => {
  const login = new Login();
  const { code, expiresAt } = login.code(NOW);
  assert.equal(expiresAt, NOW + CODE_LIFETIME_MS);
  const session = login.redeem(code, NOW + 1000);
  assert.ok(session);
  assert.equal(login.session(session, NOW + 2000), true);
  assert.equal(login.redeem(code, NOW + 3000), undefined);
});

test('an expired code is refused and spent; an unknown one is refused', () => {
  const login = new Login();
  const { code } = login.code(NOW);
  assert.equal(login.redeem(code, NOW + CODE_LIFETIME_MS), undefined);
  assert.equal(login.redeem(code, NOW), undefined);
  assert.equal(login.redeem('not-a-code', NOW), undefined);
  assert.equal(login.redeem('', NOW), undefined);
});

test('codes and sessions are distinct random secrets; a code is not a session, a session not a code', () => {
  const login = new Login();
  const a = login.code(NOW).code;
  const b = login.code(NOW).code;
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(login.session(a, NOW), false);
  const session = login.redeem(b, NOW)!;
  assert.equal(login.redeem(session, NOW), undefined);
});

test('a session ends after its lifetime', () => {
  const login = new Login();
  const session = login.redeem(login.code(NOW).code, NOW)!;
  assert.equal(login.session(session, NOW + SESSION_LIFETIME_MS - 1), true);
  assert.equal(login.session(session, NOW + SESSION_LIFETIME_MS), false);
});

test('the session cookie: HttpOnly, SameSite=Strict, Path=/; read back from a Cookie header among others', () => {
  assert.equal(sessionCookie('abc'), 'gantry_session=abc; HttpOnly; SameSite=Strict; Path=/');
  assert.equal(cookieValue('theme=dark; gantry_session=abc; x=1', SESSION_COOKIE), 'abc');
  assert.equal(cookieValue('my_gantry_session=abc', SESSION_COOKIE), undefined);
  assert.equal(cookieValue(undefined, SESSION_COOKIE), undefined);
});

test('each session has its own CSRF token; a token matches only its session, compared in constant time', () => {
  const login = new Login();
  const a = login.redeem(login.code(NOW).code, NOW)!;
  const b = login.redeem(login.code(NOW).code, NOW)!;
  const token = login.csrfToken(a);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(token, a, 'the token is not the session id');
  assert.equal(login.csrfToken(a), token, 'stable for the session');
  assert.equal(login.csrfMatches(a, token), true);
  assert.equal(login.csrfMatches(b, token), false);
  assert.equal(login.csrfMatches(a, undefined), false);
  assert.equal(login.csrfMatches(a, `${token}x`), false);
  assert.notEqual(new Login().csrfToken(a), token, 'a new daemon signs with a new key');
});
