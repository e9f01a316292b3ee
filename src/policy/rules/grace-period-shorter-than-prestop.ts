import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

const DEFAULT_GRACE_SECONDS = 30;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);
const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };

/**
 * terminationGracePeriodSeconds (pod level, default 30) counts from the start of preStop, so a
 * preStop that sleeps as long or longer leaves the app no time to stop: the kubelet sends SIGTERM
 * late (or never) and SIGKILLs at the deadline. Sleeps are read from `preStop.sleep.seconds`
 * (Kubernetes 1.29+), `exec: [sleep, N]` and shell scripts (`sh -c "sleep 5 && nginx -s quit"`:
 * every `sleep N` in the script, summed; s/m/h suffixes as GNU sleep reads them).
 */
export const gracePeriodShorterThanPrestop: Rule = {
  id: 'grace-period-shorter-than-prestop',
  severity: 'error',
  category: 'reliability',
  title: 'Grace period not longer than the preStop sleep',
  why: 'The grace period starts when preStop starts. If preStop sleeps for all of it, the app gets SIGTERM with no time left and is killed mid-request instead of draining.',
  fix: 'terminationGracePeriodSeconds: 45   # preStop sleep + the time the app needs to drain\ncontainers:\n  - name: web\n    lifecycle:\n      preStop:\n        sleep: { seconds: 10 }',
  docs: 'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution',
  aliases: {},
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    const set = workload.podSpec.terminationGracePeriodSeconds;
    if (set !== undefined && set !== null && typeof set !== 'number') return [];
    const grace = typeof set === 'number' ? set : DEFAULT_GRACE_SECONDS;
    const graceText =
      typeof set === 'number'
        ? `terminationGracePeriodSeconds is ${grace}`
        : `terminationGracePeriodSeconds is ${grace} (the default)`;
    return workload.containers.flatMap(({ container, name, path }) => {
      const sleep = preStopSleepSeconds(field(container, 'lifecycle', 'preStop'));
      if (sleep === undefined || sleep < grace) return [];
      return [
        {
          container: name,
          path: [...path, 'lifecycle', 'preStop'],
          message: `preStop sleeps ${sleep}s but ${graceText}: the app is killed before it can drain`,
        },
      ];
    });
  },
};

/** How long a preStop handler sleeps, or undefined when it does not (or cannot be read). */
export function preStopSleepSeconds(preStop: unknown): number | undefined {
  const seconds = field(preStop, 'sleep', 'seconds');
  if (typeof seconds === 'number') return seconds;
  const command = field(preStop, 'exec', 'command');
  if (!Array.isArray(command) || command.length === 0) return undefined;
  const words = command.map((word) => (typeof word === 'number' ? String(word) : word));
  if (!words.every((word) => typeof word === 'string')) return undefined;
  const program = basename(words[0]!);
  if (program === 'sleep') return duration(words[1]);
  if (!SHELLS.has(program)) return undefined;
  // `sh -c SCRIPT` (also `-ec`, `-xc`…); busybox runs its applet: `busybox sleep 5`.
  if (program === 'busybox' && words[1] === 'sleep') return duration(words[2]);
  const flag = words.findIndex((word, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(word));
  const script = flag === -1 ? undefined : words[flag + 1];
  if (script === undefined) return undefined;
  let total: number | undefined;
  for (const match of script.matchAll(/(?:^|[\s;&|(])sleep\s+(\d+(?:\.\d+)?[smh]?)(?=$|[\s;&|)])/g)) {
    const value = duration(match[1]);
    if (value !== undefined) total = (total ?? 0) + value;
  }
  return total;
}

function duration(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /^(\d+(?:\.\d+)?)([smh]?)$/.exec(text);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2]!]! : undefined;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
