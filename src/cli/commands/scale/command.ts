/** `gantry scale <service> <replicas>`: the local daemon's replica count (an autoscaler overrides it). */
import { Option } from 'commander';
import type { AutoscaleStatus } from '../../../autoscale/status.ts';
import type { GantryCommand } from '../../command.ts';
import { connect } from '../../daemon-client.ts';
import { CliError, EXIT } from '../../errors.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { style } from '../../style.ts';

interface Target {
  file: string;
  stateDir?: string;
}

export const scaleCommand: GantryCommand = {
  register(program, run) {
    program
      .command('scale')
      .description('set the number of replicas of a service')
      .argument('<service>')
      .argument('<replicas>')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
      )
      .action((service: string, replicas: string, options: Target & { output: string }) =>
        run(async () => {
          const count = Number(replicas);
          if (!Number.isInteger(count) || count < 0)
            throw new CliError(`replicas must be a whole number ≥ 0, got "${replicas}"`, EXIT.usage);
          const answer = (await connect(options).request(
            'POST',
            `/v1/services/${encodeURIComponent(service)}/scale`,
            { replicas: count },
          )) as { autoscale?: AutoscaleStatus };
          if (options.output === 'json') {
            const json = {
              service,
              replicas: count,
              ...(answer.autoscale ? { autoscale: answer.autoscale } : {}),
            };
            process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
            return EXIT.ok;
          }
          process.stdout.write(`${style.green('✓')} ${service} scaled to ${count}\n`);
          if (answer.autoscale) process.stdout.write(autoscaledNote(service, answer.autoscale));
          return EXIT.ok;
        }),
      );
  },
};

/** A Kubernetes HPA overrides a manual scale of its target at its next sync; so does ours. */
function autoscaledNote(service: string, autoscale: AutoscaleStatus): string {
  return style.yellow(
    `note: ${service} is autoscaled (${autoscale.minReplicas}–${autoscale.maxReplicas} replicas): like a Kubernetes HPA, ` +
      `the autoscaler sets the count again at its next sync (within ${autoscale.syncPeriodSeconds}s).\n` +
      `  To keep a fixed count, remove \`autoscale\` from ${service} in the spec and restart the app (gantry down, gantry up).\n`,
  );
}
