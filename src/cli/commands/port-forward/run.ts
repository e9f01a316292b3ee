/**
 * The port forward itself: pick a ready pod of the service, listen on 127.0.0.1 only, and give
 * every accepted connection its own port-forward stream to the pod (client-node's PortForward).
 * Runs until Ctrl-C. test/cluster/day2.test.ts forwards through a real kube-apiserver to kwok's
 * kubelet server and on to a local process; port-mapping.test.ts covers the arguments.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { isPodReady } from '../../../platform/kubernetes/pod-preview.ts';
import { pruneSelector } from '../../../platform/kubernetes/prune.ts';
import { kubeErrorsAsync, openCluster, serviceOrFail } from '../../cluster-open.ts';
import { CliError, EXIT } from '../../errors.ts';
import { parsePortMapping } from '../../port-mapping.ts';
import { style } from '../../style.ts';
import type { ClusterOptions } from '../../target.ts';

export type PortForwardOptions = ClusterOptions;

export async function portForward(
  service: string,
  ports: string | undefined,
  options: PortForwardOptions,
): Promise<number> {
  const { model, namespace, day2 } = openCluster(options, 'port-forward');
  serviceOrFail(model, service);
  const mapping = parsePortMapping(ports, model.services[service]!.port);
  if (!mapping.ok) throw new CliError(`port-forward ${service}: ${mapping.error}`, EXIT.usage, mapping.hint);
  const pods = await kubeErrorsAsync(() =>
    day2.list({ apiVersion: 'v1', kind: 'Pod' }, namespace, {
      labelSelector: `${pruneSelector(model.app)},app.kubernetes.io/name=${service}`,
    }),
  );
  const pod = pods.find(isPodReady);
  if (!pod)
    throw new CliError(
      `no ready pod of ${service} in namespace ${namespace}`,
      EXIT.failed,
      `gantry status --env ${options.env} shows what runs`,
    );
  const name = pod.metadata.name;
  const server = createServer((socket: Socket) => {
    day2
      .forward(namespace, name, mapping.value.remote, {
        input: socket,
        output: socket,
        errors: process.stderr,
      })
      .then((stream) => socket.on('close', () => stream.close()))
      .catch((error: Error) => {
        process.stderr.write(`${style.yellow('warning', process.stderr)}: ${error.message}\n`);
        socket.destroy();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new CliError(
          `cannot listen on 127.0.0.1:${mapping.value.local}: ${error.code ?? error.message}`,
          EXIT.failed,
          'pick another local port: LOCAL:REMOTE, or :REMOTE for any free one',
        ),
      ),
    );
    server.listen(mapping.value.local, '127.0.0.1', resolve);
  });
  const local = (server.address() as AddressInfo).port;
  process.stdout.write(
    `forwarding 127.0.0.1:${local} -> pod ${namespace}/${name} port ${mapping.value.remote} (Ctrl-C to stop)\n`,
  );
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  server.close();
  return EXIT.ok;
}
