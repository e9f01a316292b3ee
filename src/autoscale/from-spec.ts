/**
 * The HPA spec for one service of a loaded gantry.yaml, built by the path production takes:
 *
 *   AppModel ─► renderHpa (the HorizontalPodAutoscaler `gantry render` writes)
 *            ─► schema check (validateObject, as every rendered object gets)
 *            ─► loadHpa (the reader `gantry autoscale explain` uses for a cluster's HPA)
 *            ─► HpaSpec
 *
 * Nothing here maps `autoscale: {min, max, cpu, memory, rps, behavior}` to the algorithm's
 * model a second time: whatever the renderer writes for the cluster (its metric names, the
 * behavior it fills in) is what the local autoscaler and `gantry simulate` run, so "what you
 * rehearse locally is what production does" holds by construction. The rendered object goes
 * to the reader as JSON text (JSON is YAML), with a placeholder `observed:` the reader needs
 * and this module ignores.
 *
 * Pure: no files, no clock.
 */
import { renderHpa } from '../render/kubernetes/hpa.ts';
import type { RenderContext } from '../render/kubernetes/types.ts';
import { validateObject } from '../render/kubernetes/validate.ts';
import type { AppModel } from '../spec/model.ts';
import type { HpaSpec } from './hpa-data.ts';
import { loadHpa } from './hpa-spec.ts';

/** The rendered HPA did not read back: the renderer and the reader disagree. */
export class HpaSpecBug extends Error {}

/** The names of the services that have `autoscale:` in this model, sorted. */
export function autoscaledServices(model: AppModel): string[] {
  return Object.keys(model.services)
    .filter((name) => model.services[name]!.autoscale !== undefined)
    .sort();
}

/**
 * The HPA spec Kubernetes would run for `serviceName`, or undefined when the service has no
 * `autoscale:` (in this environment). Throws RangeError for a service the model does not have.
 */
export function hpaSpecForService(model: AppModel, serviceName: string): HpaSpec | undefined {
  const service = model.services[serviceName];
  if (!service)
    throw new RangeError(
      `no service \`${serviceName}\` in ${model.file} (services: ${Object.keys(model.services).sort().join(', ')})`,
    );
  const ctx: RenderContext = { model, namespace: model.namespace, options: {}, note: () => {} };
  const hpa = renderHpa(ctx, service).find((object) => object.kind === 'HorizontalPodAutoscaler');
  if (!hpa) return undefined;
  validateObject(hpa);
  const file = `${model.file} (rendered HorizontalPodAutoscaler ${hpa.metadata.name})`;
  const loaded = loadHpa(JSON.stringify({ ...hpa, observed: { replicas: 0 } }), file);
  if (!loaded.ok)
    throw new HpaSpecBug(
      `the rendered HPA for ${serviceName} does not read back (this is a bug in Gantry): ${loaded.problems
        .map((p) => `${p.path}: ${p.message}`)
        .join('; ')}`,
    );
  return loaded.input.spec;
}
