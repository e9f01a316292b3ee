/**
 * `gantry lint`: security and reliability checks for any Kubernetes YAML (files, directories,
 * stdin), whether Gantry wrote it or not.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../command.ts';
import type { Options } from './lint-run.ts';

export const lintCommand: GantryCommand = {
  register(program, run) {
    program
      .command('lint')
      .description('check Kubernetes manifests for security and reliability problems')
      .argument('[paths...]', 'files or directories (*.yaml, *.yml, *.json, recursively); - for stdin')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .addOption(
        new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity exists')
          .choices(['error', 'warning', 'info', 'never'])
          .default('error'),
      )
      .addHelpText(
        'after',
        [
          '',
          'Rules that compare objects look at everything given in one run.',
          'Silence rules for one object with the annotation gantry.dev/ignore: "rule-a,rule-b".',
          'Unknown kinds (CRDs, custom resources) are skipped.',
          'Exit codes: 0 clean (below --fail-on), 1 findings at or above --fail-on, 2 usage error.',
        ].join('\n'),
      )
      .action((paths: string[], options: Omit<Options, 'paths'>) =>
        run(async () => (await import('./lint-run.ts')).lint({ ...options, paths })),
      );
  },
};
