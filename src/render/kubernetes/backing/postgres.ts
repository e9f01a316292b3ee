/**
 * PostgreSQL in the cluster, one instance: a StatefulSet of the official image running as
 * its `postgres` user (uid 999) with a read-only root filesystem, a headless Service and a
 * PodDisruptionBudget. Credentials come from the Secret `<app>-<name>-credentials`
 * (keys `username`, `password`) that the user creates; no value is ever rendered.
 */
import type { BackingModel } from '../../../spec/model.ts';
import { backingImage } from '../../images.ts';
import type { K8sObject, RenderContext } from '../types.ts';
import {
  credentialsSecretName,
  execProbe,
  noteSingleReplica,
  singleReplicaBacking,
  singleReplicaStatefulSet,
} from './common.ts';

export const POSTGRES_DEFAULT_VERSION = '16';
export const POSTGRES_PORT = 5432;
const POSTGRES_UID = 999;

/** The database and its owner: the app's name as a plain SQL identifier (`my-shop` → `my_shop`). */
export function databaseName(ctx: RenderContext): string {
  return ctx.model.app.replace(/-/g, '_');
}

/**
 * Where the data lives. Images before 18 keep it in /var/lib/postgresql/data; a sub-directory
 * is PGDATA so initdb, running as uid 999, creates and owns it on the fsGroup-owned volume.
 * From 18 the image keeps it in /var/lib/postgresql/<major>/docker and refuses a mount at …/data.
 */
export function dataPaths(version: string): { mountPath: string; pgdata: string } {
  const major = Number.parseInt(version, 10);
  if (major >= 18) return { mountPath: '/var/lib/postgresql', pgdata: `/var/lib/postgresql/${major}/docker` };
  return { mountPath: '/var/lib/postgresql/data', pgdata: '/var/lib/postgresql/data/pgdata' };
}

export function renderPostgres(ctx: RenderContext, backing: BackingModel): K8sObject[] {
  const version = backing.version ?? POSTGRES_DEFAULT_VERSION;
  noteSingleReplica(ctx, backing, 'set `ha: true` for a CloudNativePG cluster with streaming replication');
  noteCredentials(ctx, backing);
  const port = { name: 'postgres', port: POSTGRES_PORT };
  return singleReplicaBacking(ctx, backing, version, port, statefulSet(ctx, backing, version));
}

/**
 * The database and the services that use it read user and password from this Secret; nobody
 * renders it, so without it the pods fail with CreateContainerConfigError. The line is one
 * `gantry apply` repeats when the Secret is missing (apply-plan.ts reads the command from it).
 */
function noteCredentials(ctx: RenderContext, backing: BackingModel): void {
  const secret = credentialsSecretName(ctx, backing);
  ctx.note({
    level: 'warning',
    message: `backing ${backing.name}: create the Secret ${secret} with the keys username, password before applying: kubectl create secret generic ${secret} -n ${ctx.namespace} --from-literal=username=${databaseName(ctx)} --from-literal=password='…'`,
  });
}

function statefulSet(ctx: RenderContext, backing: BackingModel, version: string): K8sObject {
  const secret = credentialsSecretName(ctx, backing);
  const fromSecret = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const paths = dataPaths(version);
  const ready = ['pg_isready', '-U', 'postgres'];
  return singleReplicaStatefulSet(ctx, backing, version, {
    uid: POSTGRES_UID,
    container: {
      name: 'postgres',
      image: backingImage('postgres', version),
      imagePullPolicy: 'Always',
      ports: [{ name: 'postgres', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
      env: [
        fromSecret('POSTGRES_USER', 'username'),
        fromSecret('POSTGRES_PASSWORD', 'password'),
        { name: 'POSTGRES_DB', value: databaseName(ctx) },
        { name: 'PGDATA', value: paths.pgdata },
      ],
      // A small database's needs; the spec has no resources for backing services yet.
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      readinessProbe: execProbe(ready, 5, 3),
      livenessProbe: { ...execProbe(ready, 10, 6), initialDelaySeconds: 30 },
      volumeMounts: [
        { name: 'data', mountPath: paths.mountPath },
        { name: 'run', mountPath: '/var/run/postgresql' },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    },
    extra: {
      terminationGracePeriodSeconds: 60,
      volumes: [
        { name: 'run', emptyDir: {} },
        { name: 'tmp', emptyDir: {} },
      ],
    },
  });
}
