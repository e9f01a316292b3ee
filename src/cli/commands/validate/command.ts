/** `gantry validate`: check gantry.yaml (and every environment) and report each problem at its line. */
import { Option } from 'commander';
import type { Problem } from '../../../spec/problem.ts';
import type { Target } from '../../../spec/targets.ts';
import type { GantryCommand } from '../../command.ts';
import { EXIT } from '../../errors.ts';
import { countLabel, formatProblems } from '../../report.ts';
import { DEFAULT_SPEC, readSpecText } from '../../spec-file.ts';
import { style } from '../../style.ts';

interface Options {
  file: string;
  env?: string;
  target?: Target;
  output: 'text' | 'json';
}

export const validateCommand: GantryCommand = {
  register(program, run) {
    program
      .command('validate')
      .description('check gantry.yaml; without --env, the base spec and every environment')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('-e, --env <name>', 'check only this environment')
      .addOption(
        new Option('--target <target>', 'also check what this target needs').choices(['local', 'cluster']),
      )
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .action((options: Options) => run(() => validate(options)));
  },
};

async function validate(options: Options): Promise<number> {
  const text = readSpecText(options.file);
  const checked = check(await import('../../../spec/load.ts'), text, options);
  const errors = checked.problems.filter((p) => p.severity === 'error');
  const valid = errors.length === 0;

  if (options.output === 'json') {
    const report = {
      valid,
      file: options.file,
      environments: checked.environments,
      problems: checked.problems,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return valid ? EXIT.ok : EXIT.failed;
  }
  const scope = describeScope(options.env, checked.environments);
  if (checked.problems.length > 0) process.stderr.write(`${formatProblems(checked.problems, text)}\n\n`);
  if (valid) {
    const warned = checked.problems.length > 0 ? ` with ${countLabel(checked.problems).split(', ')[1]}` : '';
    process.stdout.write(`${style.green('✓')} ${options.file} is valid${warned} (${scope})\n`);
    return EXIT.ok;
  }
  process.stderr.write(
    `${style.red('✗', process.stderr)} ${options.file}: ${countLabel(checked.problems)} (${scope})\n`,
  );
  return EXIT.failed;
}

/** `spec` is src/spec/load.ts, imported when the command runs: it brings zod and yaml. */
function check(
  spec: typeof import('../../../spec/load.ts'),
  text: string,
  options: Options,
): { problems: Problem[]; environments: string[] } {
  const target = options.target ? { target: options.target } : {};
  if (options.env === undefined) return spec.validateAll(text, { file: options.file, ...target });
  return {
    problems: spec.loadSpec(text, { file: options.file, env: options.env, ...target }).problems,
    environments: [options.env],
  };
}

function describeScope(env: string | undefined, environments: string[]): string {
  if (env !== undefined) return `environment ${env}`;
  if (environments.length === 0) return 'base spec, no environments';
  return `base spec and ${environments.length === 1 ? 'environment' : 'environments'} ${environments.join(', ')}`;
}
