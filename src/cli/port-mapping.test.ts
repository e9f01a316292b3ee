import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortMapping } from './port-mapping.ts';

describe('parsePortMapping', () => {
  const cases: [string, string | undefined, number | undefined, unknown][] = [
    [
      'no mapping: the service port on both sides',
      undefined,
      8000,
      { ok: true, value: { local: 8000, remote: 8000 } },
    ],
    ['LOCAL:REMOTE', '9090:8000', 8000, { ok: true, value: { local: 9090, remote: 8000 } }],
    ['one port for both', '7000', 8000, { ok: true, value: { local: 7000, remote: 7000 } }],
    [':REMOTE picks a free local port', ':8000', undefined, { ok: true, value: { local: 0, remote: 8000 } }],
    [
      'no mapping and no service port',
      undefined,
      undefined,
      {
        ok: false,
        error: 'the service has no `port` to forward to',
        hint: 'pass one: use LOCAL:REMOTE (8080:8000), one PORT for both, or :REMOTE for any free local port',
      },
    ],
    [
      'not a mapping',
      '80:http',
      8000,
      {
        ok: false,
        error: '"80:http" is not a port mapping',
        hint: 'use LOCAL:REMOTE (8080:8000), one PORT for both, or :REMOTE for any free local port',
      },
    ],
    [
      'remote 0',
      '8080:0',
      8000,
      { ok: false, error: 'remote port 0 is out of range', hint: 'ports go from 1 to 65535' },
    ],
    [
      'local too big',
      '70000:80',
      8000,
      {
        ok: false,
        error: 'local port 70000 is out of range',
        hint: 'ports go from 1 to 65535 (or :REMOTE for any)',
      },
    ],
  ];
  for (const [name, text, servicePort, expected] of cases)
    it(name, () => assert.deepEqual(parsePortMapping(text, servicePort), expected));
});
