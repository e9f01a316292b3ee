/**
 * `gantry lint` side by side with two real peers on the same files: kube-score (built from its
 * Go module at a pinned version by scripts/go-tool.sh) and Checkov (installed from PyPI at a pinned
 * version by scripts/py-tool.sh), over the realistic corpus (bench/lint-corpus.ts). For each
 * canonical check — a Gantry rule, with the peers' ids its aliases name — how many objects each
 * tool flags, and how many objects a peer flags under an equivalent check that Gantry does not
 * (missed); then the peers' checks no Gantry rule covers, and the time each tool takes on the files
 * (end to end, process start included) as a ratio to Gantry's.
 *
 * Nothing here runs in `npm test`. Run alone: `node --import tsx bench/lint-peers.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { configureRules, EMPTY_CONFIG } from '../src/policy/config.ts';
import type { Aliases, Rule } from '../src/policy/rule.ts';
import { RULES } from '../src/policy/rules/index.ts';
import { writeLintCorpus } from './lint-corpus.ts';

export const KUBE_SCORE = { module: 'github.com/zegl/kube-score/cmd/kube-score', version: 'v1.20.0' };
export const CHECKOV = 'checkov==3.3.30';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GANTRY = join(ROOT, 'bin/gantry.js');

type Tool = 'kubeScore' | 'checkov';
/** What one tool flagged: check id → the objects (`Kind/name`) it flagged with it. */
type Flags = Map<string, Set<string>>;

interface ToolRun {
  flags: Flags;
  seconds: number;
  version: string;
}

export interface PeerRow {
  check: string;
  gantry: number;
  kubeScore: { ids: string[]; found: number; missed: number };
  checkov: { ids: string[]; found: number; missed: number };
  optional: boolean;
}

export interface PeerBench {
  objects: number;
  rows: PeerRow[];
  /** Peer checks that flagged something and that no Gantry rule names. */
  unmapped: { tool: Tool; id: string; found: number }[];
  seconds: { gantry: number; kubeScore: number; checkov: number };
  versions: { kubeScore: string; checkov: string };
}

const add = (flags: Flags, id: string, object: string) => {
  const set = flags.get(id) ?? new Set<string>();
  set.add(object);
  flags.set(id, set);
};

function timedRun(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const started = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, env });
  return { run, seconds: (performance.now() - started) / 1000 };
}

function runGantry(dir: string, rules: readonly Rule[]): ToolRun & { objects: number } {
  const lint = (...extra: string[]) =>
    timedRun(process.execPath, [GANTRY, 'lint', dir, '--format', 'json', '--fail-on', 'never', ...extra]);
  type Report = { summary: { objects: number }; findings: { rule: string; kind?: string; name?: string }[] };
  const { run, seconds } = lint();
  const report = JSON.parse(run.stdout) as Report;
  const flags: Flags = new Map();
  for (const f of report.findings) if (f.kind) add(flags, f.rule, `${f.kind}/${f.name}`);
  // The opt-in rules too, from a second run with them on (the default run is the one timed).
  const optional = rules.filter((rule) => rule.optional).map((rule) => rule.id);
  const withOptional = JSON.parse(lint('--config', writeOptionalConfig(dir, optional)).run.stdout) as Report;
  for (const f of withOptional.findings)
    if (f.kind && optional.includes(f.rule)) add(flags, f.rule, `${f.kind}/${f.name}`);
  return { flags, seconds, objects: report.summary.objects, version: '' };
}

function writeOptionalConfig(dir: string, ids: readonly string[]): string {
  const file = join(dir, '..', 'optional.gantry-lint.yaml');
  writeFileSync(file, stringify({ rules: Object.fromEntries(ids.map((id) => [id, 'warning'])) }));
  return file;
}

function runKubeScore(files: readonly string[]): ToolRun {
  const binary = execFileSync(join(ROOT, 'scripts/go-tool.sh'), [KUBE_SCORE.module, KUBE_SCORE.version], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const { run, seconds } = timedRun(binary, ['score', '-o', 'json', ...files]);
  const flags: Flags = new Map();
  const objects = JSON.parse(run.stdout) as {
    type_meta: { kind: string };
    object_meta: { name: string };
    checks: { check: { id: string }; grade: number; skipped: boolean }[];
  }[];
  // Grades: 1 critical, 5 warning, 7 almost OK, 10 OK. Critical and warning are findings.
  for (const object of objects)
    for (const check of object.checks)
      if (!check.skipped && check.grade <= 5)
        add(flags, check.check.id, `${object.type_meta.kind}/${object.object_meta.name}`);
  return { flags, seconds, version: KUBE_SCORE.version };
}

function runCheckov(dir: string): ToolRun {
  const bin = execFileSync(join(ROOT, 'scripts/py-tool.sh'), [CHECKOV], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  // --skip-download and BC_SKIP_MAPPING: Checkov asks its vendor's API for guidelines otherwise.
  const env = { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' };
  const { run, seconds } = timedRun(
    join(bin, 'checkov'),
    ['-d', dir, '--framework', 'kubernetes', '-o', 'json', '--quiet', '--compact', '--skip-download'],
    env,
  );
  const parsed = JSON.parse(run.stdout) as
    | { results: { failed_checks: { check_id: string; resource: string }[] } }
    | { results: { failed_checks: { check_id: string; resource: string }[] } }[];
  const reports = Array.isArray(parsed) ? parsed : [parsed];
  const flags: Flags = new Map();
  for (const report of reports)
    for (const failed of report.results.failed_checks) {
      // `Kind.namespace.name`: names may hold dots, the kind does not.
      const [kind, , ...name] = failed.resource.split('.');
      add(flags, failed.check_id, `${kind}/${name.join('.')}`);
    }
  return { flags, seconds, version: CHECKOV.split('==')[1]! };
}

export function benchPeers(): PeerBench {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-peers-'));
  try {
    const files = writeLintCorpus(join(dir, 'corpus'));
    const rules = configureRules(RULES, EMPTY_CONFIG);
    const gantry = runGantry(join(dir, 'corpus'), RULES);
    const kubeScore = runKubeScore(files);
    const checkov = runCheckov(join(dir, 'corpus'));
    const peers: Record<Tool, ToolRun> = { kubeScore, checkov };

    /** The Gantry rules whose aliases (equivalent checks) name a peer check. */
    const rulesFor = (tool: Tool, id: string) => RULES.filter((rule) => rule.aliases[tool]?.includes(id));
    const count = (flags: Flags, ids: readonly string[]) =>
      new Set(ids.flatMap((id) => [...(flags.get(id) ?? [])])).size;
    const missed = (tool: Tool, ids: readonly string[]) => {
      const objects = new Set<string>();
      for (const id of ids)
        for (const object of peers[tool].flags.get(id) ?? [])
          if (!rulesFor(tool, id).some((rule) => gantry.flags.get(rule.id)?.has(object))) objects.add(object);
      return objects.size;
    };
    const idsOf = (aliases: Aliases, tool: Tool) => [...(aliases[tool] ?? [])];
    const rows: PeerRow[] = RULES.map((rule) => {
      const row = (tool: Tool) => {
        const equivalent = idsOf(rule.aliases, tool);
        const all = [...equivalent, ...idsOf(rule.related ?? {}, tool)];
        return { ids: all, found: count(peers[tool].flags, all), missed: missed(tool, equivalent) };
      };
      return {
        check: rule.id,
        gantry: gantry.flags.get(rule.id)?.size ?? 0,
        kubeScore: row('kubeScore'),
        checkov: row('checkov'),
        optional: !rules.some((r) => r.id === rule.id),
      };
    }).filter((row) => row.gantry + row.kubeScore.found + row.checkov.found > 0);

    const named = (tool: Tool) =>
      new Set(RULES.flatMap((r) => [...idsOf(r.aliases, tool), ...idsOf(r.related ?? {}, tool)]));
    const unmapped = (['kubeScore', 'checkov'] as const).flatMap((tool) =>
      [...peers[tool].flags]
        .filter(([id]) => !named(tool).has(id))
        .map(([id, objects]) => ({ tool, id, found: objects.size })),
    );
    return {
      objects: gantry.objects,
      rows,
      unmapped,
      seconds: { gantry: gantry.seconds, kubeScore: kubeScore.seconds, checkov: checkov.seconds },
      versions: { kubeScore: kubeScore.version, checkov: checkov.version },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatPeerBench(r: PeerBench): string {
  const cell = (c: PeerRow['kubeScore']) =>
    c.ids.length === 0 ? '–' : `${c.found}${c.missed > 0 ? ` (${c.missed} missed)` : ''}`;
  const lines = [
    `gantry lint vs kube-score ${r.versions.kubeScore} and Checkov ${r.versions.checkov}, realistic corpus (${r.objects} objects): objects flagged per check; "missed" = flagged by the peer under an equivalent check, not by Gantry`,
    '| check (Gantry rule) | Gantry | kube-score | Checkov |',
    '|---|---|---|---|',
    ...r.rows.map(
      (row) =>
        `| ${row.check}${row.optional ? ' (opt-in)' : ''} | ${row.gantry} | ${cell(row.kubeScore)} | ${cell(row.checkov)} |`,
    ),
    `Peer checks no Gantry rule names: ${r.unmapped.map((u) => `${u.tool === 'kubeScore' ? 'kube-score' : 'Checkov'} ${u.id} (${u.found})`).join(', ') || 'none'}`,
    `Time on the same files (end to end, process start included): Gantry ${r.seconds.gantry.toFixed(2)} s; kube-score ${r.seconds.kubeScore.toFixed(2)} s (${(r.seconds.kubeScore / r.seconds.gantry).toFixed(2)}× Gantry's); Checkov ${r.seconds.checkov.toFixed(1)} s (${(r.seconds.checkov / r.seconds.gantry).toFixed(1)}× Gantry's)`,
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(formatPeerBench(benchPeers()));
