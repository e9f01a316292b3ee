/** `gantry controller run` and `gantry controller install` (controller.ts declares them). */
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { stringify } from 'yaml';
import { ReleaseController } from '../../../controller/controller.ts';
import { CONTROLLER_NAME, controllerManifests, LEASE_NAME } from '../../../controller/manifests.ts';
import { controllerServer } from '../../../controller/server.ts';
import { connect } from '../../../platform/kubernetes/cluster.ts';
import { kubeErrorsAsync } from '../../cluster-open.ts';
import { CliError, EXIT } from '../../errors.ts';
import { VERSION } from '../../version.ts';

export interface RunOptions {
  watchNamespace: string[];
  leaseNamespace: string;
  leaseDuration: string;
  identity?: string;
  listen: string;
  kubeconfig?: string;
  context?: string;
}

export interface InstallOptions {
  namespace: string;
  image?: string;
  watchNamespace: string[];
  output: 'yaml' | 'json';
}

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

export async function runController(options: RunOptions): Promise<number> {
  const duration = Number(options.leaseDuration);
  if (!Number.isInteger(duration) || duration < 2)
    throw new CliError(
      `--lease-duration ${options.leaseDuration}: a whole number of seconds, at least 2`,
      EXIT.usage,
    );
  const listen = /^(.+):(\d+)$/.exec(options.listen);
  if (!listen)
    throw new CliError(`--listen ${options.listen}: expected host:port, e.g. 0.0.0.0:8080`, EXIT.usage);
  return kubeErrorsAsync(async () => {
    const connection = connect({
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
    });
    const identity = options.identity ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`;
    const controller = new ReleaseController({
      connection,
      namespaces: options.watchNamespace,
      lease: { namespace: options.leaseNamespace, name: LEASE_NAME, durationSeconds: duration },
      identity,
      log,
    });
    const server = controllerServer(() => controller.health);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(listen[2]), listen[1], resolve);
    });
    const bound = server.address() as AddressInfo;
    log(
      `gantry controller ${VERSION} as ${identity} on ${connection.server}: releases in ${options.watchNamespace.length > 0 ? options.watchNamespace.join(', ') : 'every namespace'}; /healthz /readyz /metrics on ${bound.address}:${bound.port}`,
    );
    controller.start();
    // Runs until told to stop; a clean stop gives the Lease up so a standby takes over at once.
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log(`${signal}: stopping`);
        void controller.stop().then(() => server.close(() => resolve()));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    return EXIT.ok;
  });
}

export function install(options: InstallOptions): number {
  const objects = controllerManifests({
    namespace: options.namespace,
    image: options.image ?? `ghcr.io/gantry-dev/gantry:${VERSION}`,
    watch: options.watchNamespace,
  });
  process.stdout.write(
    options.output === 'json'
      ? `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`
      : objects.map((object) => stringify(object)).join('---\n'),
  );
  process.stderr.write(
    `# ${CONTROLLER_NAME}: apply with \`gantry controller install | kubectl apply -f -\`; gantry deploy --env then files releases for it\n`,
  );
  return EXIT.ok;
}
