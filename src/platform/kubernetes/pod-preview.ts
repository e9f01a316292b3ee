/**
 * A preview URL on a cluster: there is no local address of the new version, so the smoke checks
 * reach it through a port-forward (the one `gantry port-forward` uses) to a ready pod of its
 * colour, on a 127.0.0.1 port of our own — each connection its own forward stream, as kubectl does.
 */
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import type { K8sObject } from '../../render/kubernetes/index.ts';
import { KubeError } from './api-failure.ts';
import type { ClusterDay2 } from './cluster-api.ts';

/** A local URL that reaches pods matching a label selector, until `close`. */
export type OpenPreview = (labelSelector: string) => Promise<{ url: string; close(): void }>;

export function podPreview(day2: ClusterDay2, namespace: string, port: number): OpenPreview {
  return async (labelSelector) => {
    const pods = await day2.list({ apiVersion: 'v1', kind: 'Pod' }, namespace, { labelSelector });
    const pod = pods.find(isPodReady);
    if (!pod)
      throw new KubeError(
        `no ready pod matches ${labelSelector} in namespace ${namespace} for the smoke checks`,
        `kubectl get pods -n ${namespace} -l ${labelSelector} shows what runs`,
      );
    const streams = new Set<{ close(): void }>();
    const sockets = new Set<Socket>();
    // The pod side's error channel: a refused connection shows as the smoke check's own failure.
    const errors = new Writable({ write: (_chunk, _encoding, done) => done() });
    const server = createServer((socket: Socket) => {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
      day2
        .forward(namespace, pod.metadata.name, port, { input: socket, output: socket, errors })
        .then((stream) => {
          streams.add(stream);
          socket.on('close', () => {
            streams.delete(stream);
            stream.close();
          });
        })
        .catch(() => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const local = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${local}`,
      close: () => {
        for (const stream of streams) stream.close();
        for (const socket of sockets) socket.destroy();
        server.close();
      },
    };
  };
}

/** Running and its Ready condition True: a pod the Service would send traffic to. */
export function isPodReady(pod: K8sObject): boolean {
  const status = pod.status as
    | { phase?: string; conditions?: { type: string; status: string }[] }
    | undefined;
  return (
    status?.phase === 'Running' &&
    (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}
