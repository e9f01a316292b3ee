/** `gantry schema`: the JSON Schema of gantry.yaml, for editor completion. */
import { writeFileSync } from 'node:fs';
import type { GantryCommand } from '../../command.ts';
import { EXIT } from '../../errors.ts';

export const schemaCommand: GantryCommand = {
  register(program, run) {
    program
      .command('schema')
      .description('print the JSON Schema of gantry.yaml (for yaml-language-server / VS Code)')
      .option('-o, --out <file>', 'write it to this file instead of stdout')
      .action((options: { out?: string }) =>
        run(async () => {
          const { specJsonSchema } = await import('../../../spec/json-schema.ts');
          const text = `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
          if (options.out) {
            writeFileSync(options.out, text);
            process.stderr.write(`wrote ${options.out}\n`);
          } else {
            process.stdout.write(text);
          }
          return EXIT.ok;
        }),
      );
  },
};
