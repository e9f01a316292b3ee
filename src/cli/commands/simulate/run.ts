/**
 * `gantry simulate`, the glue: read gantry.yaml and the load profile, pick the service, build
 * its HPA the way production does (autoscale/from-spec.ts), run the pure simulation and print
 * it. Every mistake a user can make is a CliError naming the flag or the file and line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { autoscaledServices, hpaSpecForService } from '../../../autoscale/from-spec.ts';
import type { HpaSpec } from '../../../autoscale/hpa-data.ts';
import { type ParsedLoad, parseLoadCsv, parseLoadList } from '../../../autoscale/load-profile.ts';
import { defaultDuration, NothingToSimulate, simulate } from '../../../autoscale/simulate.ts';
import { type SimulationCost, simulationCost } from '../../../autoscale/simulate-cost.ts';
import {
  type SimulationContext,
  simulationJson,
  simulationText,
} from '../../../autoscale/simulate-report.ts';
import { CostError } from '../../../cost/errors.ts';
import { monthlyCost } from '../../../cost/estimate.ts';
import type { AppModel } from '../../../spec/model.ts';
import { parseCpu, parseDuration } from '../../../spec/units.ts';
import { CliError, EXIT } from '../../errors.ts';
import { countLabel, formatProblems } from '../../report.ts';
import { specOf } from '../../spec.ts';
import { style } from '../../style.ts';
import { loadPrices } from '../cost/run.ts';

export interface Options {
  file: string;
  env?: string;
  service?: string;
  load: string;
  capacity?: string;
  step: string;
  readinessDelay: string;
  duration?: string;
  output: 'text' | 'json';
}

export function runSimulation(options: Options): number {
  const { model } = specOf({ file: options.file, env: options.env }, 'nothing simulated');
  const service = pickService(model, options);
  const spec = hpaSpecForService(model, service)!;

  const load = readLoad(options.load);
  if (!load.ok) {
    process.stderr.write(`${formatProblems(load.problems, load.source)}\n\n`);
    process.stderr.write(
      `${style.red('✗', process.stderr)} --load: ${countLabel(load.problems)}; nothing simulated\n`,
    );
    return EXIT.usage;
  }

  const { capacity, capacitySource } = capacityFor(spec, service, options.capacity);
  const syncPeriodSeconds = seconds('--step', options.step, false);
  const readinessDelaySeconds = seconds('--readiness-delay', options.readinessDelay, true);
  const durationSeconds =
    options.duration === undefined
      ? defaultDuration(spec, load.profile)
      : seconds('--duration', options.duration, true);
  const requestedCpu = model.services[service]!.resources.requests?.cpu;
  const cpuMillicores = requestedCpu === undefined ? undefined : parseCpu(requestedCpu);
  const initialReplicas = model.services[service]!.replicas;

  let simulation: ReturnType<typeof simulate>;
  try {
    simulation = simulate({
      spec,
      load: load.profile,
      capacity,
      ...(cpuMillicores === undefined ? {} : { cpuRequestMilli: BigInt(cpuMillicores) }),
      initialReplicas,
      syncPeriodSeconds,
      readinessDelaySeconds,
      durationSeconds,
    });
  } catch (error) {
    if (error instanceof NothingToSimulate)
      throw new CliError(
        `${service}: ${error.message}`,
        EXIT.usage,
        `add a load-driven target to services.${service}.autoscale in ${options.file}, e.g. rps: 100 or cpu: 70`,
      );
    if (error instanceof RangeError)
      throw new CliError(error.message, EXIT.usage, 'use a longer --step or a shorter --duration');
    throw error;
  }

  const context: SimulationContext = {
    service,
    environment: model.environment?.name ?? null,
    capacity,
    capacitySource,
    syncPeriodSeconds,
    readinessDelaySeconds,
    durationSeconds,
    initialReplicas,
  };
  // Priced over the period the timeline covers, as its replica-seconds are.
  const period = simulation.timeline.length * syncPeriodSeconds;
  context.cost = priceSimulation(model, spec, simulation.summary.replicaSeconds, period);
  if (options.output === 'json')
    process.stdout.write(`${JSON.stringify(simulationJson(simulation, context), null, 2)}\n`);
  else process.stdout.write(simulationText(simulation, context));
  return EXIT.ok;
}

/**
 * The period's cost from `gantry cost`'s estimate (AWS EKS, on-demand, the bundled prices);
 * a note instead when the environment cannot be priced, since the simulation stands alone.
 */
function priceSimulation(
  model: AppModel,
  spec: HpaSpec,
  replicaSeconds: number,
  durationSeconds: number,
): SimulationCost | string {
  try {
    const estimate = monthlyCost(model, loadPrices(undefined), { provider: 'aws' });
    const replicas = { min: spec.minReplicas ?? 1, max: spec.maxReplicas };
    return simulationCost(estimate, replicas, replicaSeconds, durationSeconds);
  } catch (error) {
    if (error instanceof CostError) return `not priced: ${error.message}`;
    throw error;
  }
}

/** --service, else the only autoscaled service; errors list what there is to choose from. */
function pickService(model: AppModel, options: Options): string {
  const autoscaled = autoscaledServices(model);
  const inEnv = model.environment ? ` with --env ${model.environment.name}` : '';
  if (options.service !== undefined) {
    if (!model.services[options.service])
      throw new CliError(
        `${options.file}: no service \`${options.service}\``,
        EXIT.usage,
        `services: ${Object.keys(model.services).sort().join(', ')}`,
      );
    if (!autoscaled.includes(options.service))
      throw new CliError(
        `${options.file}: service \`${options.service}\` has no autoscale${inEnv}`,
        EXIT.usage,
        autoscaled.length > 0
          ? `autoscaled services: ${autoscaled.join(', ')}`
          : `add autoscale: { min: 2, max: 10, rps: 100 } to services.${options.service}`,
      );
    return options.service;
  }
  if (autoscaled.length === 1) return autoscaled[0]!;
  if (autoscaled.length === 0)
    throw new CliError(
      `${options.file}: no service has autoscale${inEnv}; nothing to simulate`,
      EXIT.usage,
      model.environments.length > 0 && !model.environment
        ? `an environment may add it: --env ${model.environments.join(' | ')}`
        : 'add autoscale: { min: 2, max: 10, rps: 100 } to a service',
    );
  throw new CliError(
    `${options.file}: ${autoscaled.length} services have autoscale; say which to simulate`,
    EXIT.usage,
    `--service ${autoscaled.join(' | ')}`,
  );
}

/** --capacity, else the spec's rps target (a replica is sized to take that many requests per second). */
function capacityFor(
  spec: HpaSpec,
  service: string,
  given: string | undefined,
): { capacity: number; capacitySource: string } {
  const hint =
    '--capacity RPS: the requests per second one replica serves at 100% of its cpu request, e.g. --capacity 200';
  if (given !== undefined) {
    const capacity = /^\d+(\.\d+)?$/.test(given) ? Number(given) : Number.NaN;
    if (!(capacity > 0))
      throw new CliError(
        `--capacity must be a number of requests per second above 0, got \`${given}\``,
        EXIT.usage,
        hint,
      );
    return { capacity, capacitySource: '--capacity' };
  }
  const rps = spec.metrics.find((metric) => metric.type === 'Pods');
  if (rps?.type === 'Pods')
    return { capacity: Number(rps.target.averageValue) / 1000, capacitySource: 'the spec’s rps target' };
  throw new CliError(
    `${service}: no --capacity, and its autoscale has no rps target to take one from`,
    EXIT.usage,
    hint,
  );
}

/** Seconds as a number (`15`) or a duration (`1m30s`). */
function seconds(flag: string, given: string, zeroAllowed: boolean): number {
  const plain = /^\d+(\.\d+)?$/.test(given) ? Number(given) : undefined;
  const duration = plain === undefined ? parseDuration(given) : undefined;
  const value = plain ?? (duration === undefined ? undefined : duration / 1000);
  if (value === undefined || (!zeroAllowed && value === 0))
    throw new CliError(
      `${flag} must be ${zeroAllowed ? '0 or more seconds' : 'more than 0 seconds'}, got \`${given}\``,
      EXIT.usage,
      `e.g. ${flag} 30 or ${flag} 1m30s`,
    );
  return value;
}

type LoadRead = ParsedLoad & { source: string };

/** A file if one is there; else, if it looks like one, the inline list. */
function readLoad(spec: string): LoadRead {
  if (existsSync(spec)) {
    if (statSync(spec).isDirectory())
      throw new CliError(`--load ${spec} is a directory`, EXIT.usage, 'pass a CSV file of seconds,rps lines');
    const text = readFileSync(spec, 'utf8');
    return { ...parseLoadCsv(text, spec), source: text };
  }
  if (spec.includes(':')) return { ...parseLoadList(spec), source: spec };
  throw new CliError(
    `--load ${spec}: no such file`,
    EXIT.usage,
    'pass a CSV file of seconds,rps lines, or the points inline: --load 0:100,600:2000,1200:300',
  );
}
