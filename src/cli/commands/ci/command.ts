/**
 * `gantry ci`: the delivery pipeline for gantry.yaml as a GitHub Actions workflow or a GitLab CI
 * file — test, build/scan/push/sign each image, deploy staging on main, smoke-check it, deploy
 * production behind an approval, roll back on failure.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import type { Options } from './run.ts';

export const ciCommand: GantryCommand = {
  register(program, run) {
    program
      .command('ci')
      .description(
        'generate the CI/CD pipeline for gantry.yaml (GitHub Actions or GitLab CI): test, image, staging, smoke, production',
      )
      .addOption(
        new Option('--provider <provider>', 'the CI system')
          .choices(['github', 'gitlab'])
          .makeOptionMandatory(),
      )
      .option('-f, --file <file>', 'the spec file, from the repository root', DEFAULT_SPEC)
      .option(
        '-o, --output <dir>',
        'write the file under this directory (the repository root: -o .) instead of printing it',
      )
      .addHelpText(
        'after',
        '\nWrites .github/workflows/gantry.yml (github) or .gitlab-ci.yml (gitlab). Run it from the\n' +
          'repository root: paths in the pipeline (spec, build context) are relative to it.\n\n' +
          'Examples:\n' +
          '  gantry ci --provider github -f examples/shop/gantry.yaml -o .\n' +
          '  gantry ci --provider gitlab > .gitlab-ci.yml\n',
      )
      .action((options: Options) => run(async () => (await import('./run.ts')).ci(options)));
  },
};
