/** `gantry deploy SERVICE --version V`: a release (rolling, blue-green or canary) with analysis and automatic rollback. */
import { Option } from 'commander';
import type { ReleaseState } from '../../../rollout/state.ts';
import type { GantryCommand } from '../../command.ts';
import { connect } from '../../daemon-client.ts';
import { CliError, EXIT } from '../../errors.ts';
import { onCluster, path, resultCode, watch, withReleaseOptions } from '../../release/view.ts';
import type { Targeted } from '../../target.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

export const deployCommand: GantryCommand = {
  register(program, run) {
    withReleaseOptions(
      program
        .command('deploy')
        .description(
          'release a new version of a service (rolling, blue-green or canary), with analysis and automatic rollback',
        )
        .argument('<service>')
        .requiredOption('--version <version>', 'the new version (becomes APP_VERSION)')
        .option('--run <command>', 'a different command for the new version')
        .option('--image <image>', 'a different image for the new version')
        .option(
          '--digest <sha256:…>',
          'with --env: run the new version by this image digest (the one CI pushed and signed), not by its tag',
        )
        .option(
          '--set-env <KEY=VALUE>',
          'an environment variable for the new version (repeatable)',
          collect,
          [],
        )
        .addOption(
          new Option('--strategy <strategy>', 'override the spec').choices([
            'rolling',
            'blue-green',
            'canary',
          ]),
        )
        .option('--wait', 'wait for the result; exit 1 if it was rolled back')
        .option('--timeout <seconds>', 'with --wait: how long', '900')
        .option(
          '--controller-namespace <ns>',
          'with --env: where a gantry controller holds its Lease; when it does, deploy files the release for it',
          'gantry-system',
        ),
    ).action(
      (
        service: string,
        options: Targeted & {
          version: string;
          run?: string;
          image?: string;
          digest?: string;
          setEnv: string[];
          strategy?: string;
          wait?: boolean;
          timeout: string;
          controllerNamespace: string;
        },
      ) =>
        run(async () => {
          if (options.where === 'cluster')
            return onCluster(async () => (await import('./cluster.ts')).deployOnCluster(service, options));
          if (options.digest !== undefined)
            throw new CliError(
              '--digest needs --env: it pins the image a cluster pulls; gantry up runs `run`, not images',
              EXIT.usage,
            );
          const env: Record<string, string> = {};
          for (const pair of options.setEnv) {
            const at = pair.indexOf('=');
            if (at < 1) throw new CliError(`--set-env expects KEY=VALUE, got "${pair}"`, EXIT.usage);
            env[pair.slice(0, at)] = pair.slice(at + 1);
          }
          const client = connect(options);
          const release = await client.request<ReleaseState>('POST', path(service, 'releases'), {
            version: options.version,
            env,
            ...(options.run ? { run: options.run } : {}),
            ...(options.image ? { image: options.image } : {}),
            ...(options.strategy ? { strategy: options.strategy } : {}),
          });
          process.stdout.write(
            `revision ${release.id}: ${release.strategy} release of ${service} ${release.stable} → ${release.version}\n`,
          );
          if (!options.wait) {
            process.stdout.write(`follow it with: gantry rollout status ${service} --watch\n`);
            return EXIT.ok;
          }
          return resultCode(await watch(client, service, release.id, Number(options.timeout) * 1000));
        }),
    );
  },
};
