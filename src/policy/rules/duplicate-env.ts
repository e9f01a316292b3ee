import type { Rule } from '../rule.ts';
import { isJson, workloadContainers } from '../workload.ts';
import { duplicates } from './duplicate-port-name.ts';

/** The same env name twice in one container: Kubernetes keeps the last value without a word. */
export const duplicateEnv: Rule = {
  id: 'duplicate-env',
  severity: 'warning',
  category: 'reliability',
  title: 'Environment variable set twice',
  why: 'When a container lists the same variable twice the last entry silently wins, so editing the first one (usually the one people find) changes nothing.',
  fix: 'env:\n  - name: LOG_LEVEL   # once per container\n    value: info',
  docs: 'https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/',
  aliases: {
    kubeScore: ['environment-variable-key-duplication'],
    kubeLinter: ['duplicate-env-var'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) => {
      const env = Array.isArray(container.env) ? container.env : [];
      const names = env.map((entry) =>
        isJson(entry) && typeof entry.name === 'string' ? entry.name : undefined,
      );
      return duplicates(names).map(({ value, indexes }) => ({
        container: name,
        path: [...path, 'env', indexes.at(-1)!, 'name'],
        message: `env ${value} is set ${indexes.length} times (${indexes.map((i) => `env[${i}]`).join(', ')}); the last one wins`,
      }));
    });
  },
};
