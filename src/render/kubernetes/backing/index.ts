/**
 * Backing services on a cluster, one module per kind: postgres (a StatefulSet, or a
 * CloudNativePG Cluster with `ha: true`), redis (a StatefulSet). Managed ones render
 * nothing but a note naming the connection Secret the app reads; Kafka is not rendered.
 */
import type { BackingModel } from '../../../spec/model.ts';
import type { K8sObject, RenderContext } from '../types.ts';
import { backingName } from './common.ts';
import { renderPostgres } from './postgres.ts';
import { renderPostgresCluster } from './postgres-ha.ts';
import { renderRedis } from './redis.ts';

export function renderBacking(ctx: RenderContext): K8sObject[] {
  return Object.values(ctx.model.backing).flatMap((backing) => renderOne(ctx, backing));
}

function renderOne(ctx: RenderContext, backing: BackingModel): K8sObject[] {
  if (backing.mode === 'managed') return noteManaged(ctx, backing);
  switch (backing.kind) {
    case 'postgres':
      return backing.ha ? renderPostgresCluster(ctx, backing) : renderPostgres(ctx, backing);
    case 'redis':
      return renderRedis(ctx, backing);
    case 'kafka':
      ctx.note({
        level: 'warning',
        message: `backing ${backing.name} (kafka, in-cluster): Gantry does not render Kafka; run it with the Strimzi operator (https://strimzi.io) or use \`mode: managed\``,
      });
      return [];
  }
}

/** The `<app>-<name>-connection` Secret (key `url`) comes from the cloud service; Terraform later. */
export function connectionSecretName(ctx: RenderContext, backing: BackingModel): string {
  return `${backingName(ctx, backing)}-connection`;
}

function noteManaged(ctx: RenderContext, backing: BackingModel): K8sObject[] {
  ctx.note({
    level: 'info',
    message: `backing ${backing.name} (${backing.kind}, managed): nothing rendered; the app reads its connection from Secret ${connectionSecretName(ctx, backing)} (key url) — create it from your cloud service (\`gantry infra\` writes the Terraform for it)`,
  });
  return [];
}
