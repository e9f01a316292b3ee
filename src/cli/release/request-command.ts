/**
 * promote, abort and rollback: a request about a service's release. Locally it goes to the
 * daemon, which acts on it at once; on a cluster (main chose it) the command's cluster half
 * files it where whatever drives the release takes it.
 */
import type { Command } from 'commander';
import type { ReleaseState } from '../../rollout/state.ts';
import type { GantryCommand } from '../command.ts';
import { connect } from '../daemon-client.ts';
import { EXIT } from '../errors.ts';
import { style } from '../style.ts';
import type { Targeted } from '../target.ts';
import { onCluster, path, withReleaseOptions } from './view.ts';

export interface RequestCommand<O> {
  name: string;
  description: string;
  /** Options of its own. */
  options?(command: Command): void;
  /** The body the daemon's `POST /v1/services/SERVICE/NAME` takes. */
  body(options: O): object;
  /** The cluster half, loaded when main chose the cluster. */
  cluster(service: string, options: Targeted & O): Promise<number>;
}

export function requestCommand<O>(spec: RequestCommand<O>): GantryCommand {
  return {
    register(program, run) {
      const command = withReleaseOptions(
        program.command(spec.name).description(spec.description).argument('<service>'),
      );
      spec.options?.(command);
      command.action((service: string, options: Targeted & O) =>
        run(async () => {
          if (options.where === 'cluster') return onCluster(() => spec.cluster(service, options));
          const release = await connect(options).request<ReleaseState>(
            'POST',
            path(service, spec.name),
            spec.body(options),
          );
          process.stdout.write(
            `${style.green('✓')} ${service}: ${spec.name} requested (revision ${release.id}: ${release.version})\n`,
          );
          return EXIT.ok;
        }),
      );
    },
  };
}
