/**
 * The AppModel: the validated spec with one environment applied, in plain typed data.
 * Every other part of Gantry (local platform, render, rollout, autoscale, cost) reads this,
 * never the YAML.
 */
import {
  ANALYSIS_DEFAULTS,
  type AnalysisSpec,
  type AwsSettings,
  type BackingSpec,
  type CiSpec,
  type ReleaseAnalysisSpec,
  type ServiceSpec,
  type SpecFileOutput,
  type Tier,
} from './schema.ts';

export interface ServiceModel extends Omit<ServiceSpec, 'replicas'> {
  name: string;
  /** The replica count to start with: `replicas`, else autoscale.min, else 1. */
  replicas: number;
}

export interface BackingModel extends BackingSpec {
  name: string;
}

export interface EnvironmentRef {
  name: string;
  tier: Tier;
}

export interface AppModel {
  /** The spec file it came from; `run` and `workdir` are relative to its folder. */
  file: string;
  app: string;
  namespace: string;
  /** null when no environment was selected (the base spec, treated as development). */
  environment: EnvironmentRef | null;
  /** The selected environment's public base URL (`environments.<env>.url`), if it declares one. */
  url: string | null;
  /** The selected environment's AWS account (`environments.<env>.aws.accountId`), if it declares one. */
  awsAccountId: string | null;
  /** The selected environment's AWS settings (account, region, how CI reaches the cluster), if any. */
  aws: AwsSettings | null;
  /** The CI system and repository the cloud trusts (`ci:`), if the spec names them. */
  ci: CiSpec | null;
  /** Every environment the spec declares, selected or not. */
  environments: string[];
  services: Record<string, ServiceModel>;
  backing: Record<string, BackingModel>;
  secrets: SpecFileOutput['secrets'];
  ingress: SpecFileOutput['ingress'];
}

/** The tier an environment has when it does not say: dev*, local*, test* → development; prod*, live* → production. */
export function inferTier(environment: string): Tier {
  if (/^(dev|local|test|sandbox|preview)/.test(environment)) return 'development';
  if (/^(prod|live)/.test(environment)) return 'production';
  return 'staging';
}

export function toModel(spec: SpecFileOutput, file: string, environment: EnvironmentRef | null): AppModel {
  const overlay = environment ? spec.environments[environment.name] : undefined;
  const services = Object.fromEntries(
    Object.entries(spec.services).map(([name, service]) => [
      name,
      { ...service, name, replicas: service.replicas ?? service.autoscale?.min ?? 1 },
    ]),
  );
  const backing = Object.fromEntries(Object.entries(spec.backing).map(([name, b]) => [name, { ...b, name }]));
  return {
    file,
    app: spec.app,
    namespace: overlay?.namespace ?? spec.namespace ?? spec.app,
    environment,
    url: overlay?.url ?? null,
    awsAccountId: overlay?.aws?.accountId ?? null,
    aws: overlay?.aws ?? null,
    ci: spec.ci ?? null,
    environments: Object.keys(spec.environments),
    services,
    backing,
    secrets: spec.secrets,
    ingress: spec.ingress,
  };
}

/** Thresholds, plus where the numbers come from (provider), which only the release level sets. */
export type EffectiveAnalysis = typeof ANALYSIS_DEFAULTS & ReleaseAnalysisSpec;

/** The thresholds an analysis runs with: a step's fields over the release's over the defaults. */
export function effectiveAnalysis(
  release: ReleaseAnalysisSpec | undefined,
  step?: AnalysisSpec,
): EffectiveAnalysis {
  const defined = (spec: AnalysisSpec | undefined) =>
    Object.fromEntries(Object.entries(spec ?? {}).filter(([, value]) => value !== undefined));
  return { ...ANALYSIS_DEFAULTS, ...defined(release), ...defined(step) } as EffectiveAnalysis;
}
