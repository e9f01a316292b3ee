/**
 * Process plumbing for the supervisor: /proc, process groups and the shell command line.
 * Linux only (it reads /proc), like the local platform.
 */
import { readFileSync } from 'node:fs';

export interface ProcStat {
  /** One letter: R running, S sleeping, Z zombie, ... */
  state: string;
  /** Field 22: when the process started, in clock ticks since boot. With the pid it names one process. */
  startTime: number;
  /** Field 5: its process group. */
  pgrp: number;
}

/** /proc/<pid>/stat, or null when there is no such process. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return parseProcStat(text);
}

/** Parses a /proc/<pid>/stat line. The command name (field 2) is in parentheses and may contain spaces or ')'. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // Fields from 3 (state) on; field 22 (starttime) is the 20th of them.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const startTime = Number(fields[19]);
  const pgrp = Number(fields[2]);
  if (!state || !Number.isSafeInteger(startTime)) return null;
  return { state, startTime, pgrp };
}

/** Whether pid names the process that started at `startTime` and has not exited (zombies have). */
export function isAlive(pid: number, startTime: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.startTime === startTime;
}

/** Clock ticks per second (sysconf(_SC_CLK_TCK)); 100 on every Linux Node supports. */
const CLOCK_TICKS = 100;

/** When a process with this start time started, as epoch ms (approximately, from /proc/uptime). */
export function startedAtMs(startTime: number, now = Date.now()): number {
  try {
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    if (!Number.isFinite(uptimeSeconds)) return now;
    return Math.min(now, Math.round(now - (uptimeSeconds - startTime / CLOCK_TICKS) * 1000));
  } catch {
    return now;
  }
}

/** Sends a signal to a whole process group (the replica's pid leads its own). False if none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

const RESERVED = new Set([
  // keywords and special built-ins that `exec` cannot run
  '!',
  '{',
  '}',
  '[[',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'case',
  'esac',
  'for',
  'select',
  'while',
  'until',
  'do',
  'done',
  'function',
  'time',
  'exec',
  'cd',
  'export',
  'set',
  'unset',
  'trap',
  '.',
  'source',
  'alias',
  'eval',
  'readonly',
  'shift',
  'wait',
  'return',
  'exit',
  'ulimit',
  'umask',
  'local',
]);

/**
 * The script for `/bin/sh -c`: `exec <command>` when the command is a single simple command, so that
 * the replica's pid is the app itself and signals reach it directly; the command unchanged otherwise
 * (lists, pipelines, subshells, leading assignments or built-ins).
 */
export function shellScript(command: string): string {
  const trimmed = command.trim();
  if (!isSimpleCommand(trimmed)) return command;
  return `exec ${trimmed}`;
}

function isSimpleCommand(command: string): boolean {
  if (command === '') return false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === '\\') {
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '`' || (c === '$' && command[i + 1] === '(')) return false;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '&' && (command[i - 1] === '>' || command[i - 1] === '<')) {
      // a descriptor redirection such as 2>&1, fine with exec
    } else if (';&|()`\n#'.includes(c) || (c === '$' && command[i + 1] === '(')) {
      return false;
    }
  }
  if (quote !== null) return false;
  const first = command.split(/\s+/, 1)[0]!;
  return !RESERVED.has(first) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(first);
}
