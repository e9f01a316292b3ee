/**
 * Redis in the cluster: a StatefulSet of the official image with append-only persistence
 * on a volume claim, running as its `redis` user (uid 999) with a read-only root filesystem
 * (it writes only to /data), a headless Service and a PodDisruptionBudget.
 */
import type { BackingModel } from '../../../spec/model.ts';
import { backingImage } from '../../images.ts';
import type { K8sObject, RenderContext } from '../types.ts';
import { execProbe, noteSingleReplica, singleReplicaBacking, singleReplicaStatefulSet } from './common.ts';

export const REDIS_DEFAULT_VERSION = '7';
export const REDIS_PORT = 6379;
const REDIS_UID = 999;

export function renderRedis(ctx: RenderContext, backing: BackingModel): K8sObject[] {
  const version = backing.version ?? REDIS_DEFAULT_VERSION;
  noteSingleReplica(ctx, backing, 'use a Redis operator or `mode: managed` for replication');
  const port = { name: 'redis', port: REDIS_PORT };
  return singleReplicaBacking(ctx, backing, version, port, statefulSet(ctx, backing, version));
}

function statefulSet(ctx: RenderContext, backing: BackingModel, version: string): K8sObject {
  const ping = ['redis-cli', 'ping'];
  return singleReplicaStatefulSet(ctx, backing, version, {
    uid: REDIS_UID,
    container: {
      name: 'redis',
      image: backingImage('redis', version),
      imagePullPolicy: 'Always',
      args: ['--appendonly', 'yes'],
      ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
      // A small cache's needs; the spec has no resources for backing services yet.
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
      readinessProbe: execProbe(ping, 5, 3),
      livenessProbe: { ...execProbe(ping, 10, 6), initialDelaySeconds: 15 },
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
    },
  });
}
