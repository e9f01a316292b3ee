/** Where render writes with -o: a directory, for every format. */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError, EXIT } from '../../errors.ts';

/** Every format writes files under -o DIR (helm says it its own way, with a chart's name). */
export function refuseFileOutput(options: { output?: string; format: string }): void {
  const { output, format } = options;
  if (output !== undefined && existsSync(output) && !statSync(output).isDirectory())
    throw new CliError(
      `-o ${output} is a file: --format ${format} writes files into a directory`,
      EXIT.usage,
      `-o ${dirname(output)}/${format === 'yaml' ? 'k8s' : format}`,
    );
}
