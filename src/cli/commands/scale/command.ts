/** `gantry scale <service> <replicas>` and `gantry restart <service>` (a rolling restart). */
import { Option } from 'commander';
import type { AutoscaleStatus } from '../../../autoscale/status.ts';
import { type ClusterOptions, targetsCluster, withClusterOptions } from '../../cluster-target.ts';
import type { GantryCommand } from '../../command.ts';
import { connect, sleep } from '../../daemon-client.ts';
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

export const restartCommand: GantryCommand = {
  register(program, run) {
    withClusterOptions(
      program
        .command('restart')
        .description('replace every replica of a service, one rolling step at a time'),
      'a cluster environment: a rollout restart of the Deployment',
    )
      .argument('<service>')
      .option('-f, --file <file>', 'the spec file', DEFAULT_SPEC)
      .option('--state-dir <dir>', 'state directory (default: .gantry beside the spec)')
      .option('--no-wait', 'return without waiting for the restart to finish')
      .option('--timeout <seconds>', 'how long to wait', '300')
      .addOption(
        new Option('-o, --output <format>', 'output format (cluster)')
          .choices(['text', 'json'])
          .default('text'),
      )
      .action(
        (service: string, options: ClusterOptions & { wait: boolean; timeout: string; output: string }) =>
          run(async () => {
            if (targetsCluster(options))
              return (await import('../restart/cluster.ts')).clusterRestart(service, options);
            const client = connect(options);
            const before = await client.status();
            const old = new Set(
              before.services.find((s) => s.name === service)?.replicas.items.map((r) => r.id) ?? [],
            );
            await client.request('POST', `/v1/services/${encodeURIComponent(service)}/restart`);
            process.stdout.write(`rolling restart of ${service} (${old.size} replicas)\n`);
            if (!options.wait) return EXIT.ok;
            const deadline = Date.now() + Number(options.timeout) * 1000;
            for (;;) {
              const now = (await client.status()).services.find((s) => s.name === service)!;
              const replaced = now.replicas.items.filter((r) => !old.has(r.id));
              const done =
                replaced.length === now.replicas.items.length && now.replicas.ready === now.replicas.desired;
              if (done) break;
              if (Date.now() > deadline)
                throw new CliError(
                  `the restart of ${service} did not finish in ${options.timeout}s`,
                  EXIT.failed,
                );
              await sleep(200);
            }
            process.stdout.write(`${style.green('✓')} ${service}: every replica replaced and ready\n`);
            return EXIT.ok;
          }),
      );
  },
};
