/**
 * `gantry infra`'s generator: the spec's environments in, a Terraform tree out (relative path →
 * text). Pure and deterministic: no clock, no absolute paths, sorted names, so generating from
 * the same spec twice gives byte-identical files.
 *
 *   versions.tf main.tf variables.tf outputs.tf       the root module
 *   modules/{vpc,ecr,eks|ecs,rds,elasticache,msk}/    one module per concern (only those used)
 *   environments/<env>.tfvars, <env>.s3.tfbackend     one pair per environment of the spec
 */
import type { AppModel } from '../../spec/model.ts';
import { generatedBanner } from '../generated.ts';
import { RUN_AS_ID } from '../kubernetes/pod-template.ts';
import type { TerraformModule } from './blocks.ts';
import { ecrModule } from './ecr.ts';
import { ecsModule } from './ecs.ts';
import { eksModule } from './eks.ts';
import { elasticacheModule } from './elasticache.ts';
import { isManaged, type ManagedKind, MODULE_OF_KIND } from './facts.ts';
import { type Body, printFile } from './hcl.ts';
import { mskModule } from './msk.ts';
import { rdsModule } from './rds.ts';
import {
  ecrRepositories,
  type InfraTarget,
  type ManagedBacking,
  type RootInput,
  rootMain,
  rootOutputs,
  rootVariables,
  versionsFile,
} from './root.ts';
import { backendConfig, environmentName, tfvars } from './tfvars.ts';
import { vpcModule } from './vpc.ts';

export type { InfraTarget } from './root.ts';

export interface InfraInput {
  target: InfraTarget;
  /** The environment whose spec shapes the code (services, IAM, routes, health checks). */
  model: AppModel;
  /** Every environment of the spec (the base alone when it declares none): a tfvars file each. */
  environments: readonly AppModel[];
  /** The command that regenerates the tree, for the banner of every file. */
  regenerate: string;
}

const MANAGED_MODULES: Record<ManagedKind, () => TerraformModule> = {
  rds: rdsModule,
  elasticache: elasticacheModule,
  msk: mskModule,
};

export function generateTerraform(input: InfraInput): Map<string, string> {
  const managed = managedBacking([input.model, ...input.environments], input.target);
  const root: RootInput = {
    target: input.target,
    model: input.model,
    environments: input.environments.map(environmentName),
    managed,
  };
  const banner = generatedBanner('#', input.regenerate);
  const files = new Map<string, string>();
  const add = (path: string, body: Body) => files.set(path, `${banner}\n${printFile(body)}`);

  add('versions.tf', versionsFile(input.target, managed));
  add('main.tf', rootMain(root));
  add('variables.tf', rootVariables(root));
  add('outputs.tf', rootOutputs(root));

  const kinds = [...new Set(managed.map((m) => MODULE_OF_KIND[m.backing.kind]))].sort();
  const modules = [
    vpcModule(),
    ...(ecrRepositories(input.model).length > 0 ? [ecrModule()] : []),
    input.target === 'eks' ? eksModule() : ecsModule(RUN_AS_ID),
    ...kinds.map((kind) => MANAGED_MODULES[kind]()),
  ];
  for (const module of modules) {
    add(`modules/${module.name}/main.tf`, module.main);
    add(`modules/${module.name}/variables.tf`, module.variables);
    add(`modules/${module.name}/outputs.tf`, module.outputs);
  }

  for (const model of input.environments) {
    const env = environmentName(model);
    add(`environments/${env}.tfvars`, tfvars(model, input.target, managed));
    add(`environments/${env}.s3.tfbackend`, backendConfig(model));
  }
  return files;
}

/**
 * Backing services managed in any environment, by name: the module is in the code once, and
 * each environment's tfvars says whether it is created there (dev may run postgres in-cluster
 * while prod uses RDS).
 */
export function managedBacking(models: readonly AppModel[], target: InfraTarget): ManagedBacking[] {
  const byName = new Map<string, ManagedBacking>();
  for (const model of models)
    for (const backing of Object.values(model.backing))
      if (isManaged(backing, target) && !byName.has(backing.name))
        byName.set(backing.name, { id: `${MODULE_OF_KIND[backing.kind]}_${backing.name}`, backing });
  return [...byName.values()].sort((a, b) => a.id.localeCompare(b.id));
}
