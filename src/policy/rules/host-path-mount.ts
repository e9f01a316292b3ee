import type { Aliases, Rule } from '../rule.ts';
import { field, isJson, podSpecOf, podSpecPath } from '../workload.ts';

/** Container runtime sockets: mounting one is root on the node. */
const RUNTIME_SOCKETS: readonly string[] = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
];

/** The host directories kube-linter's sensitive-host-mounts names. */
const SENSITIVE = /^\/(boot|dev|etc|lib|proc|sys|usr)?$/;

/** The other tools' checks that flag this very path (each covers only some paths; Polaris all). */
function aliasesFor(path: string): Aliases {
  const kubeLinter = [
    ...(/docker\.sock$/.test(path) ? ['docker-sock'] : []),
    ...(RUNTIME_SOCKETS.includes(path) ? ['container-runtime-sock'] : []),
    ...(SENSITIVE.test(path) ? ['sensitive-host-mounts'] : []),
  ];
  const checkov = path === '/var/run/docker.sock' ? ['CKV_K8S_27'] : [];
  return { polaris: ['hostPathSet'], kubeLinter, checkov };
}

export const hostPathMount: Rule = {
  id: 'host-path-mount',
  severity: 'warning',
  category: 'security',
  title: 'hostPath volume',
  why: "A hostPath volume reads or writes the node's filesystem, escaping the container's; the container runtime socket in particular lets the pod start privileged containers on the node.",
  fix: 'volumes:\n  - name: data\n    emptyDir: {} # or a persistentVolumeClaim',
  docs: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
  aliases: {
    // Each finding names the ones that flag its path: kube-linter's docker-sock (docker.sock),
    // container-runtime-sock (in its newest checks) and sensitive-host-mounts (/, /etc, /proc…),
    // Checkov's CKV_K8S_27 (/var/run/docker.sock); Polaris flags every hostPath.
    kubeLinter: ['docker-sock', 'sensitive-host-mounts', 'container-runtime-sock'],
    polaris: ['hostPathSet'],
    checkov: ['CKV_K8S_27'],
  },
  check(object) {
    const podSpec = podSpecOf(object);
    if (!podSpec || !Array.isArray(podSpec.volumes)) return [];
    return podSpec.volumes.flatMap((volume: unknown, index) => {
      if (!isJson(volume) || !isJson(volume.hostPath)) return [];
      const raw = field(volume, 'hostPath', 'path');
      const path = typeof raw === 'string' ? raw.replace(/(.)\/+$/, '$1') : '';
      const name = typeof volume.name === 'string' ? volume.name : '(unnamed)';
      const where = typeof raw === 'string' ? raw : '(no path)';
      const at = {
        path: [...podSpecPath(object)!, 'volumes', index, 'hostPath', 'path'],
        aliases: aliasesFor(path),
      };
      if (RUNTIME_SOCKETS.includes(path))
        return [
          {
            ...at,
            message: `volume ${name} mounts the container runtime socket ${where} from the host (root on the node)`,
          },
        ];
      return [{ ...at, message: `volume ${name} mounts hostPath ${where}` }];
    });
  },
};
