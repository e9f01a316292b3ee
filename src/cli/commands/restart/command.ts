/** `gantry restart <service>`: every replica replaced, one rolling step at a time (on a cluster, a rollout restart). */
import { Option } from 'commander';
import type { GantryCommand } from '../../command.ts';
import { connect, sleep } from '../../daemon-client.ts';
import { CliError, EXIT } from '../../errors.ts';
import { DEFAULT_SPEC } from '../../spec-file.ts';
import { style } from '../../style.ts';
import { type Targeted, withTarget } from '../../target.ts';

export const restartCommand: GantryCommand = {
  register(program, run) {
    withTarget(
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
      .action((service: string, options: Targeted & { wait: boolean; timeout: string; output: string }) =>
        run(async () => {
          if (options.where === 'cluster')
            return (await import('./cluster.ts')).clusterRestart(service, options);
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
