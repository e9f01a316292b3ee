/**
 * `gantry autoscale explain FILE`: what a Kubernetes HorizontalPodAutoscaler would decide for
 * the observed state in FILE, and why.
 */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import type { Options } from './run.ts';

export const autoscaleCommand: GantryCommand = {
  register(program, run) {
    const autoscale = program
      .command('autoscale')
      .description('the Kubernetes HPA algorithm: explain what an HPA would decide');
    autoscale
      .command('explain')
      .description(
        'read an autoscaling/v2 HPA plus an `observed:` section (pods, usage, recent history) and print what Kubernetes would decide and why',
      )
      .argument('<file>', 'YAML: the HPA and `observed:` (see examples/autoscale/hpa-observed.yaml)')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .action((file: string, options: Omit<Options, 'file'>) =>
        run(async () => (await import('./run.ts')).explain({ ...options, file })),
      );
  },
};
