/**
 * Per environment: environments/<env>.tfvars (every value the root variables need that differs
 * between environments) and environments/<env>.s3.tfbackend (that environment's state key).
 */
import type { AppModel, ServiceModel } from '../../spec/model.ts';
import {
  awsRegion,
  backingSizes,
  clusterAccess,
  logRetentionDays,
  networkFacts,
  nodeGroups,
  sortedServices,
  taskSize,
} from './facts.ts';
import { attr, type Body, comment, object, type Value } from './hcl.ts';
import type { InfraTarget, ManagedBacking } from './root.ts';

/** The environment's name in files and state keys; the base spec (no environments) is `default`. */
export function environmentName(model: AppModel): string {
  return model.environment?.name ?? 'default';
}

export function tfvars(model: AppModel, target: InfraTarget, managed: readonly ManagedBacking[]): Body {
  const network = networkFacts(model);
  const items: Body[number][] = [
    attr('environment', environmentName(model)),
    attr('region', awsRegion(model)),
    attr('az_count', network.azCount),
    attr('single_nat_gateway', network.singleNatGateway),
    attr('log_retention_days', logRetentionDays(model)),
  ];
  if (target === 'eks') {
    const access = clusterAccess(model);
    items.push(
      attr('namespace', model.namespace),
      comment(
        access.via === 'public-endpoint'
          ? "The API endpoint: public, to these CIDRs only (the CI runners' egress)."
          : 'The API endpoint: private; CI deploys from a self-hosted runner in the VPC (ci_runner_security_group_id).',
      ),
      attr('public_access_cidrs', access.via === 'public-endpoint' ? access.cidrs : []),
      attr('node_groups', toValue(nodeGroups(model))),
    );
  } else {
    const services: Record<string, Value> = {};
    for (const service of sortedServices(model)) {
      const size = taskSize(service);
      const scale = service.autoscale;
      services[service.name] = object({
        image: imageOf(service),
        cpu: size.cpu,
        memory: size.memory,
        desired_count: service.replicas,
        min_capacity: scale?.min,
        max_capacity: scale?.max,
        cpu_target: scale?.cpu,
        memory_target: scale?.memory,
        requests_per_target: scale?.rps,
        environment: object(
          Object.fromEntries(Object.entries(service.env).sort(([a], [b]) => a.localeCompare(b))),
        ),
      });
    }
    items.push(attr('services', object(services)));
  }
  for (const { id, backing } of managed) {
    const here = model.backing[backing.name];
    const sizes = here
      ? backingSizes(model, here, target)
      : { ...backingSizes(model, backing, target), managed: false };
    items.push(attr(id, toValue(sizes)));
  }
  return items;
}

export function backendConfig(model: AppModel): Body {
  return [
    comment('terraform init -backend-config=THIS_FILE -backend-config="bucket=…" -backend-config="region=…"'),
    attr('key', `${model.app}/${environmentName(model)}/terraform.tfstate`),
    attr('encrypt', true),
    attr('use_lockfile', true),
  ];
}

/** Loading with `target: 'cluster'` guarantees every service has an image. */
function imageOf(service: ServiceModel): string {
  if (!service.image)
    throw new Error(`service ${service.name} has no image: load the spec with target 'cluster'`);
  return service.image;
}

/** Plain data (records, arrays, scalars) as an HCL value. */
function toValue(data: unknown): Value {
  if (Array.isArray(data)) return data.map(toValue);
  if (data !== null && typeof data === 'object')
    return object(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, toValue(v)])));
  return data as Value;
}
