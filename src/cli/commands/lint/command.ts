/**
 * `gantry lint`: security and reliability checks for any Kubernetes YAML (files, directories,
 * stdin), whether Gantry wrote it or not.
 */
import { Option } from 'commander';
import { CONFIG_FILE } from '../../../policy/config.ts';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const lintCommand: GantryCommand = {
  register(program, run) {
    program
      .command('lint')
      .description('check Kubernetes manifests for security and reliability problems')
      .argument('[paths...]', 'files or directories (*.yaml, *.yml, *.json, recursively); - for stdin')
      .option('--spec', 'lint what gantry render makes of the spec (every environment, or --env)')
      .option('-f, --file <file>', 'the spec file, with --spec', DEFAULT_SPEC)
      .option('-e, --env <name>', 'with --spec: only this environment')
      .addOption(
        new Option('--format <format>', 'output format')
          .choices(['text', 'json', 'sarif', 'junit'])
          .default('text'),
      )
      .addOption(
        new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity exists')
          .choices(['error', 'warning', 'info', 'never'])
          .default('error'),
      )
      .option(
        '--config <file>',
        `rule severities, excludes and required labels (default: ${CONFIG_FILE} if present)`,
      )
      .option(
        '--fix [unsafe]',
        'apply the safe fixes in place (comments and layout kept), then lint again; --fix=unsafe also the hardening fixes that may break a workload (each says how)',
      )
      .option('--list-rules', 'list the rules (with --format json: everything about them) and exit')
      .addHelpText(
        'after',
        [
          '',
          'Rules that compare objects (PDBs, HPAs, Services, Ingresses, NetworkPolicies and the',
          'workloads they target) look at everything given in one run: lint a whole app at once.',
          'With --spec each environment is its own set.',
          '',
          'Silence rules for one object with the annotation gantry.dev/ignore: "rule-a,rule-b (reason)";',
          'kube-score/ignore, ignore-check.kube-linter.io/<check>, polaris.fairwinds.com/<check>-exempt',
          'and checkov.io/skipN annotations are honoured through the rule aliases (--list-rules --format json).',
          '',
          `${CONFIG_FILE}:`,
          "  rules: { runs-as-root: error, CKV_K8S_43: off }   # our ids or other tools' ids",
          '  exclude: ["vendor/**"]                            # relative to the config file',
          '  requiredLabels: [app.kubernetes.io/name, team]',
          '',
          'A directory with a kustomization.yaml is built with kubectl kustomize; findings point at the source files.',
          'Unknown kinds (CRDs, custom resources) are skipped; YAML is read as the API server reads it (yes/on are true).',
          '',
          'Safe fixes (--fix): a removed apiVersion whose fields did not change; serviceAccount renamed',
          'serviceAccountName; automountServiceAccountToken: false on pods of a default ServiceAccount no binding names.',
          'Unsafe (--fix=unsafe): allowPrivilegeEscalation, runAsNonRoot, readOnlyRootFilesystem, drop ALL,',
          'seccomp RuntimeDefault, imagePullPolicy Always, the token of other pods: --fix lists each with how it may break.',
          'Exit codes: 0 clean (below --fail-on), 1 findings at or above --fail-on, 2 usage error.',
        ].join('\n'),
      )
      .action((paths: string[], options: Omit<Options, 'paths' | 'fix'> & { fix?: true | string }) =>
        run(async () => {
          const { fix, ...rest } = options;
          // `--fix DIR` hands DIR to --fix's optional value: it is a path, not a mode.
          const extra = typeof fix === 'string' && fix !== 'unsafe' && fix !== 'safe' ? [fix] : [];
          const mode = fix === undefined ? undefined : fix === 'unsafe' ? 'unsafe' : 'safe';
          return (await import('./run.ts')).lint({
            ...rest,
            paths: [...extra, ...paths],
            ...(mode ? { fix: mode } : {}),
          });
        }),
      );
  },
};
