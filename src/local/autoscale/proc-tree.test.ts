import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ProcessStat,
  parseProcessStat,
  parseVmRssBytes,
  processTree,
  treeCpuTicks,
} from './proc-tree.ts';

// Captured from a Linux 6.x /proc (pids and times edited to tell the lines apart).
const BASH =
  '26681 (bash) S 26680 26681 26681 0 -1 4194560 9605 91730 0 98 19 51 227 427 20 0 1 0 1213149 5251072 997 18446744073709551615 94704903888896 94704904678301 140731012088320 0 0 0 65536 4 1132560123 1 0 0 17 1 0 0 0 0 0 94704904911600 94704904959844 94705907204096 140731012094846 140731012094861 140731012094861 140731012095978 0';
const ODD_NAME =
  '4242 (my (odd) name) R 1 4242 4242 0 -1 4194560 100 0 0 0 150 25 3 2 20 0 1 0 123456 1000 200 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0';

const statCases: { name: string; text: string; expected: ProcessStat | null }[] = [
  {
    name: 'a shell: utime 19 + stime 51 + cutime 227 + cstime 427',
    text: BASH,
    expected: { pid: 26681, ppid: 26680, startTime: 1213149, cpuTicks: 19 + 51 + 227 + 427 },
  },
  {
    name: 'a command name with spaces and parentheses',
    text: ODD_NAME,
    expected: { pid: 4242, ppid: 1, startTime: 123456, cpuTicks: 180 },
  },
  { name: 'garbage', text: 'nonsense', expected: null },
  { name: 'truncated before the CPU fields', text: '1 (x) S 1 2 3', expected: null },
  { name: 'empty (the process exited before it was read)', text: '', expected: null },
];
for (const c of statCases)
  test(`parseProcessStat: ${c.name}`, () => assert.deepEqual(parseProcessStat(c.text), c.expected));

const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
Tgid:\t31337
Pid:\t31337
PPid:\t31330
VmPeak:\t 1241568 kB
VmSize:\t 1176032 kB
VmHWM:\t   61624 kB
VmRSS:\t   58532 kB
RssAnon:\t   20144 kB
Threads:\t7
`;

test('parseVmRssBytes: VmRSS in kB → bytes; none for a kernel thread or zombie', () => {
  assert.equal(parseVmRssBytes(STATUS), 58532 * 1024);
  assert.equal(parseVmRssBytes('Name:\tkthreadd\nState:\tS (sleeping)\nThreads:\t1\n'), null);
  assert.equal(parseVmRssBytes(''), null);
});

const p = (pid: number, ppid: number, cpuTicks: number, startTime = pid): ProcessStat => ({
  pid,
  ppid,
  cpuTicks,
  startTime,
});
// 1 ─ 100 (replica: sh) ─┬─ 101 (node) ── 103 (helper)
//                        └─ 102 (node)
// 1 ─ 200 (another replica) ── 201
const TABLE = [
  p(1, 0, 5),
  p(100, 1, 2),
  p(101, 100, 300),
  p(102, 100, 50),
  p(103, 101, 7),
  p(200, 1, 9),
  p(201, 200, 11),
];

const treeCases: { name: string; root: number; startTime?: number; expected: number[] }[] = [
  { name: 'the root and every descendant, breadth first', root: 100, expected: [100, 101, 102, 103] },
  { name: 'a subtree only', root: 101, expected: [101, 103] },
  { name: 'a leaf', root: 103, expected: [103] },
  { name: 'a pid that is not there', root: 999, expected: [] },
  { name: 'a reused pid (start time differs)', root: 100, startTime: 42, expected: [] },
  { name: 'the right start time', root: 200, startTime: 200, expected: [200, 201] },
];
for (const c of treeCases)
  test(`processTree: ${c.name}`, () =>
    assert.deepEqual(
      processTree(TABLE, c.root, c.startTime).map((s) => s.pid),
      c.expected,
    ));

test('processTree: a stale parent link forming a cycle ends', () => {
  const table = [p(10, 11, 1), p(11, 10, 1)];
  assert.deepEqual(
    processTree(table, 10).map((s) => s.pid),
    [10, 11],
  );
});

test('treeCpuTicks sums the tree', () => {
  assert.equal(treeCpuTicks(processTree(TABLE, 100)), 2 + 300 + 50 + 7);
});
