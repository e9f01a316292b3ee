/**
 * `renderKubernetes(model)`: every object a cluster needs for the app, as plain values in a
 * fixed order (kind, then name), each checked against its OpenAPI schema, plus the notes the
 * user must read (operators to install, Secrets to create). Pure: serialise at the edge.
 */
import type { AppModel, ServiceModel } from '../../spec/model.ts';
import { renderBacking } from './backing/index.ts';
import { renderConfigMap } from './config-map.ts';
import { renderDeployments } from './deployment.ts';
import { externalSecretsNote, renderExternalSecret } from './external-secret.ts';
import { renderHpa } from './hpa.ts';
import { renderHttpRoutes } from './http-route.ts';
import { renderIngresses } from './ingress.ts';
import { kindRank } from './kind-order.ts';
import { renderDashboard, renderPodMonitor, renderPrometheusRule } from './monitoring.ts';
import { renderNamespace } from './namespace.ts';
import { renderBackingClientPolicies, renderDefaultDeny, renderNetworkPolicy } from './network-policy.ts';
import { renderPdb } from './pdb.ts';
import { renderServices } from './service.ts';
import { renderServiceAccount } from './service-account.ts';
import type { K8sObject, RenderContext, RenderNote, RenderOptions, RenderResult } from './types.ts';
import { RenderBug, validateObject } from './validate.ts';

export { KIND_ORDER } from './kind-order.ts';
export type { K8sObject, RenderNote, RenderOptions, RenderResult } from './types.ts';
export { RenderBug, validateObject } from './validate.ts';

/** One module per kind; each returns the service's objects of that kind (often none). */
const PER_SERVICE: ((ctx: RenderContext, service: ServiceModel) => K8sObject[])[] = [
  renderServiceAccount,
  renderConfigMap,
  renderExternalSecret,
  renderServices,
  renderDeployments,
  renderHpa,
  renderPdb,
  renderNetworkPolicy,
  renderIngresses,
  renderHttpRoutes,
  renderPodMonitor,
  renderPrometheusRule,
];

export function renderKubernetes(model: AppModel, options: RenderOptions = {}): RenderResult {
  const notes: RenderNote[] = [];
  const noted = new Set<string>();
  const ctx: RenderContext = {
    model,
    namespace: options.namespace ?? model.namespace,
    options,
    note(note) {
      const key = `${note.level} ${note.message}`;
      if (!noted.has(key)) notes.push(note);
      noted.add(key);
    },
  };
  const services = Object.keys(model.services)
    .sort()
    .map((name) => model.services[name]!);
  const objects = [
    ...renderNamespace(ctx),
    ...services.flatMap((service) => PER_SERVICE.flatMap((render) => render(ctx, service))),
    ...renderDefaultDeny(ctx),
    ...renderBackingClientPolicies(ctx),
    ...renderBacking(ctx),
    ...renderDashboard(ctx),
  ].sort(compareObjects);

  if (objects.some((o) => o.kind === 'ExternalSecret'))
    ctx.note({ level: 'info', message: externalSecretsNote(ctx) });
  checkUnique(objects);
  const failures = objects.flatMap((object) => {
    try {
      validateObject(object);
      return [];
    } catch (error) {
      return [(error as Error).message];
    }
  });
  if (failures.length > 0) throw new RenderBug(failures.join('\n'));
  return { objects, notes };
}

export function compareObjects(a: K8sObject, b: K8sObject): number {
  return (
    kindRank(a.kind) - kindRank(b.kind) ||
    compareText(a.kind, b.kind) ||
    compareText(a.metadata.name, b.metadata.name)
  );
}

/** Code-point order, independent of the machine's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two objects of one kind with one name would silently replace each other on apply. */
function checkUnique(objects: K8sObject[]): void {
  const seen = new Set<string>();
  const duplicates = objects
    .map((o) => `${o.apiVersion}/${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)
    .filter((key) => seen.has(key) || !seen.add(key));
  if (duplicates.length > 0)
    throw new RenderBug(`rendered twice: ${duplicates.join(', ')} (this is a bug in Gantry)`);
}
