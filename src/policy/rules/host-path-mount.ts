import type { Rule } from '../rule.ts';
import { field, isJson, podSpecOf } from '../workload.ts';

/** Container runtime sockets: mounting one is root on the node. */
const RUNTIME_SOCKETS: readonly string[] = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
];

export const hostPathMount: Rule = {
  id: 'host-path-mount',
  severity: 'warning',
  category: 'security',
  title: 'hostPath volume',
  why: "A hostPath volume reads or writes the node's filesystem, escaping the container's; the container runtime socket in particular lets the pod start privileged containers on the node.",
  fix: 'volumes:\n  - name: data\n    emptyDir: {} # or a persistentVolumeClaim',
  docs: 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
  aliases: {
    // Partial: each kube-linter check covers only some paths (docker.sock; /, /etc, /proc…; docker/containerd/crio
    // sockets). container-runtime-sock is in kube-linter's newest built-in checks, not yet in its generated docs.
    kubeLinter: ['docker-sock', 'sensitive-host-mounts', 'container-runtime-sock'],
    polaris: ['hostPathSet'],
    checkov: ['CKV_K8S_27'], // /var/run/docker.sock only
  },
  check(object) {
    const podSpec = podSpecOf(object);
    if (!podSpec || !Array.isArray(podSpec.volumes)) return [];
    return podSpec.volumes.filter(isJson).flatMap((volume) => {
      const path = field(volume, 'hostPath', 'path');
      if (!isJson(volume.hostPath)) return [];
      const name = typeof volume.name === 'string' ? volume.name : '(unnamed)';
      const where = typeof path === 'string' ? path : '(no path)';
      if (typeof path === 'string' && RUNTIME_SOCKETS.includes(path.replace(/\/+$/, '')))
        return [
          {
            message: `volume ${name} mounts the container runtime socket ${where} from the host (root on the node)`,
          },
        ];
      return [{ message: `volume ${name} mounts hostPath ${where}` }];
    });
  },
};
