/**
 * The Api in process on a real socket: bad input is a 400 naming the parameter, the Host
 * allow-list is exact, and a session's action needs the page's origin, JSON and its CSRF token.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Api, queryInt } from './api.ts';

const api = new Api({
  token: 'the-token',
  session: (id) => id === 'good-session',
  csrf: (id, token) => id === 'good-session' && token === 'good-csrf',
})
  .get('/v1/events', ({ query }) => ({
    limit: queryInt(query, 'limit', { min: 1, max: 1000, fallback: 100 }),
  }))
  .get('/v1/services/:service', ({ params }) => ({ service: params.service }))
  .post('/v1/services/:service/scale', ({ params, credential }) => ({ scaled: params.service, credential }));
let port = 0;
let close: () => void = () => {};

before(async () => {
  const server = await api.listen(0);
  port = (server.address() as AddressInfo).port;
  close = () => server.close();
});
after(() => close());

function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('input validation', () => {
  it('a query parameter that is not a number in range is a 400 naming it', async () => {
    for (const limit of ['abc', '-1', '0', '1.5', '1e3', '99999', ''])
      assert.deepEqual(await call('GET', `/v1/events?limit=${limit}`), {
        status: 400,
        json: {
          error: `query parameter limit must be a whole number from 1 to 1000, not ${JSON.stringify(limit)}`,
          parameter: 'limit',
        },
      });
    assert.deepEqual(await call('GET', '/v1/events?limit=20'), { status: 200, json: { limit: 20 } });
    assert.deepEqual(await call('GET', '/v1/events'), { status: 200, json: { limit: 100 } });
  });

  it('malformed percent-encoding in a path is a 400 naming the path parameter', async () => {
    const answer = await call('GET', '/v1/services/%E0%A4%A');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, {
      error: 'path parameter service is not valid percent-encoding: "%E0%A4%A"',
      parameter: 'service',
    });
    assert.deepEqual((await call('GET', '/v1/services/a%2Db')).json, { service: 'a-b' });
  });
});

describe('the Host allow-list', () => {
  it('is exact: a loopback name with this port, nothing that merely starts like one', async () => {
    for (const host of [`localhost:${port}`, `[::1]:${port}`])
      assert.equal((await call('GET', '/v1/events', { host })).status, 200, host);
    for (const host of [
      '[::1].evil.example',
      `[::1].evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      'evil.example',
    ])
      assert.equal((await call('GET', '/v1/events', { host })).status, 401, host);
  });
});

describe('actions', () => {
  /** What the dashboard page sends (the port is known once the server listens). */
  const fromPage = (): Record<string, string> => ({
    origin: `http://127.0.0.1:${port}`,
    'sec-fetch-site': 'same-origin',
    'content-type': 'application/json',
    'x-gantry-csrf': 'good-csrf',
    cookie: 'gantry_session=good-session',
  });

  it('the token is enough, whatever else comes with it', async () => {
    const answer = await call('POST', '/v1/services/api/scale', {
      authorization: 'Bearer the-token',
      origin: 'http://127.0.0.1:1',
      'content-type': 'text/plain',
    });
    assert.deepEqual(answer, { status: 200, json: { scaled: 'api', credential: 'token' } });
  });

  it('a session from the page itself, as JSON, with its CSRF token: done', async () => {
    const answer = await call('POST', '/v1/services/api/scale', fromPage(), '{}');
    assert.deepEqual(answer, { status: 200, json: { scaled: 'api', credential: 'session' } });
  });

  it('a session missing any one of origin, JSON or CSRF token: 403, and the handler never runs', async () => {
    const variants: [string, Record<string, string>][] = [
      ['another origin', { ...fromPage(), origin: 'http://127.0.0.1:8000', 'sec-fetch-site': 'same-site' }],
      ['text/plain', { ...fromPage(), 'content-type': 'text/plain' }],
      ['no CSRF token', { ...fromPage(), 'x-gantry-csrf': '' }],
      ['a wrong CSRF token', { ...fromPage(), 'x-gantry-csrf': 'guess' }],
    ];
    for (const [name, headers] of variants) {
      const answer = await call('POST', '/v1/services/api/scale', headers, '{}');
      assert.equal(answer.status, 403, name);
      assert.equal(answer.json.scaled, undefined, name);
    }
    const noSession = await call('POST', '/v1/services/api/scale', {
      ...fromPage(),
      cookie: 'gantry_session=forged',
    });
    assert.equal(noSession.status, 401);
  });
});
