import { readFileSync } from 'node:fs';
import { explainJson, explainText } from '../../../autoscale/explain.ts';
import { decide } from '../../../autoscale/hpa.ts';
import { loadHpa } from '../../../autoscale/hpa-spec.ts';
import { CliError, EXIT } from '../../errors.ts';
import { countLabel, formatProblems } from '../../report.ts';
import { style } from '../../style.ts';

export interface Options {
  file: string;
  output: 'text' | 'json';
}

export function explain(options: Options): number {
  const text = read(options.file);
  const loaded = loadHpa(text, options.file);
  if (!loaded.ok) {
    process.stderr.write(`${formatProblems(loaded.problems, text)}\n\n`);
    process.stderr.write(
      `${style.red('✗', process.stderr)} ${options.file}: ${countLabel(loaded.problems)}; nothing explained\n`,
    );
    return EXIT.usage;
  }
  const { input } = loaded;
  const decision = decide(input.spec, input.observed, input.history, input.now, input.config);
  const subject = { name: input.name, target: input.target, now: input.now, history: input.history };
  if (options.output === 'json')
    process.stdout.write(`${JSON.stringify(explainJson(decision, subject), null, 2)}\n`);
  else process.stdout.write(explainText(decision, subject));
  return EXIT.ok;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = 'pass a YAML file with the HPA and `observed:`, e.g. examples/autoscale/hpa-observed.yaml';
    if (code === 'ENOENT') throw new CliError(`${file}: no such file`, EXIT.usage, hint);
    if (code === 'EISDIR') throw new CliError(`${file} is a directory`, EXIT.usage, hint);
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.usage);
  }
}
