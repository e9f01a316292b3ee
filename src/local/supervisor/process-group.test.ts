import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import {
  isAlive,
  parseProcStat,
  readProcStat,
  shellScript,
  signalGroup,
  startedAtMs,
} from './process-group.ts';

const stat = (comm: string, state = 'S', start = 123456) =>
  `4242 (${comm}) ${state} 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 ${start} 1000 200 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0`;

const statCases: { name: string; text: string; expected: ReturnType<typeof parseProcStat> }[] = [
  { name: 'plain', text: stat('node'), expected: { state: 'S', startTime: 123456, pgrp: 4242 } },
  {
    name: 'name with spaces and parentheses',
    text: stat('my (odd) name'),
    expected: { state: 'S', startTime: 123456, pgrp: 4242 },
  },
  { name: 'zombie', text: stat('sh', 'Z', 99), expected: { state: 'Z', startTime: 99, pgrp: 4242 } },
  { name: 'garbage', text: 'nonsense', expected: null },
  { name: 'truncated', text: '1 (x) S 1 2', expected: null },
];
for (const c of statCases) {
  test(`parseProcStat: ${c.name}`, () => assert.deepEqual(parseProcStat(c.text), c.expected));
}

test('readProcStat: this process; none for a pid that does not exist', () => {
  const self = readProcStat(process.pid);
  assert.ok(self && self.startTime > 0 && self.state !== 'Z');
  assert.equal(isAlive(process.pid, self.startTime), true);
  assert.equal(isAlive(process.pid, self.startTime + 1), false);
  assert.equal(readProcStat(2 ** 22 + 7), null);
  const started = startedAtMs(self.startTime);
  assert.ok(started <= Date.now() && started > Date.now() - 3_600_000, 'started within the last hour');
});

const scripts: [string, string][] = [
  ['node api/server.js', 'exec node api/server.js'],
  ["  '/usr/bin/node' '/a b/server.js' --flag  ", "exec '/usr/bin/node' '/a b/server.js' --flag"],
  [`sh -c 'trap "" TERM; sleep 60'`, `exec sh -c 'trap "" TERM; sleep 60'`],
  ['node server.js > out.log 2>&1', 'exec node server.js > out.log 2>&1'],
  ['node $HOME/server.js', 'exec node $HOME/server.js'],
  ['npm run build && node dist/server.js', 'npm run build && node dist/server.js'],
  ['cd api; node server.js', 'cd api; node server.js'],
  ['node a.js | tee log', 'node a.js | tee log'],
  ['node a.js &', 'node a.js &'],
  ['PORT=1 node a.js', 'PORT=1 node a.js'],
  ['cd api', 'cd api'],
  ['if true; then x; fi', 'if true; then x; fi'],
  ['node "$(cat file)"', 'node "$(cat file)"'],
  ['node `cat file`', 'node `cat file`'],
  ["echo 'unterminated", "echo 'unterminated"],
  ['node a.js # comment', 'node a.js # comment'],
  ['echo \'a;b\' "c|d" e\\;f', 'exec echo \'a;b\' "c|d" e\\;f'],
];
for (const [command, expected] of scripts) {
  test(`shellScript: ${command}`, () => assert.equal(shellScript(command), expected));
}

test('signalGroup reaches the whole group; false once it is gone', async () => {
  const child = spawn('/bin/sh', ['-c', 'sleep 30 & sleep 30; wait'], { detached: true, stdio: 'ignore' });
  const exited = once(child, 'exit');
  assert.equal(signalGroup(child.pid!, 'SIGKILL'), true);
  const [, signal] = await exited;
  assert.equal(signal, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 50));
  // the sleeps may linger as unreaped zombies under init, but none is running
  assert.equal(signalGroup(2 ** 22 + 7, 'SIGKILL'), false);
});
