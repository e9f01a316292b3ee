import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SizingError } from '../../../cloud/errors.ts';
import { CostError } from '../../../cost/errors.ts';
import {
  type CostTarget,
  checkRegion,
  type EnvironmentEstimate,
  monthlyCost,
} from '../../../cost/estimate.ts';
import { type PriceTable, type ProviderName, parsePriceTable } from '../../../cost/prices.ts';
import type { PricingOption } from '../../../cost/pricing.ts';
import { formatMarkdown, formatTable, toJson } from '../../../cost/report.ts';
import { PRESET_NAMES, type PresetName, parseUsage, type UsageFile, usageFor } from '../../../cost/usage.ts';
import { ZONE_RANGE } from '../../../render/terraform/facts.ts';
import { ROOT } from '../../../root.ts';
import type { Parsed } from '../../../spec/document.ts';
import type { AppModel } from '../../../spec/model.ts';
import { CliError, EXIT } from '../../errors.ts';
import { countLabel, formatProblems } from '../../report.ts';
import { environmentsOf, specOf } from '../../spec.ts';

export interface Options {
  file: string;
  env?: string;
  allEnvs?: boolean;
  provider: ProviderName;
  target?: CostTarget;
  pricing: PricingOption;
  usage?: string;
  nodeType?: string;
  zones?: string;
  region?: string;
  arm?: boolean;
  spotShare?: string;
  prices?: string;
  output: 'table' | 'json' | 'markdown';
}

const SHIPPED_PRICES = join(ROOT, 'data/prices.json');
const SHIPPED_SOURCES = join(ROOT, 'data/prices-sources.md');

export function cost(options: Options): number {
  if (options.env !== undefined && options.allEnvs)
    throw new CliError(
      '--env and --all-envs exclude each other',
      EXIT.usage,
      'pass one of them, or neither for every environment',
    );
  // On AWS the zones are gantry infra's network (its vpc module takes 2 or 3); elsewhere a what-if.
  const zones =
    options.provider === 'aws'
      ? wholeNumber(
          options.zones,
          '--zones',
          ZONE_RANGE.min,
          ZONE_RANGE.max,
          'gantry infra builds 2 or 3 zones on AWS: EKS and load balancers need two',
        )
      : wholeNumber(options.zones, '--zones', 1, 6);
  const spotShare = wholeNumber(options.spotShare, '--spot-share', 0, 100);
  if (spotShare !== undefined && options.pricing !== 'spot')
    throw new CliError('--spot-share applies to --pricing spot', EXIT.usage, `add --pricing spot`);

  const table = loadPrices(options.prices);
  if (options.region !== undefined)
    try {
      checkRegion(table, options.provider, options.region, '--region');
    } catch (error) {
      if (error instanceof CostError) throw new CliError(error.message, EXIT.usage, error.hint);
      throw error;
    }
  const usageFile = loadUsageFile(options.usage);
  const preset =
    PRESET_NAMES.includes(options.usage as PresetName) && !usageFile
      ? (options.usage as PresetName)
      : undefined;

  const models = loadModels(options);
  const estimates: EnvironmentEstimate[] = models.map((model) => {
    const usage = usageFor(usageFile, usageFile ? options.usage : undefined, preset, model.environment?.name);
    try {
      return monthlyCost(model, table, {
        provider: options.provider,
        ...(options.target ? { target: options.target } : {}),
        pricing: options.pricing,
        ...(options.nodeType ? { nodeType: options.nodeType } : {}),
        ...(zones === undefined ? {} : { azs: zones }),
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(usage ? { usage } : {}),
        arm: options.arm ?? false,
        ...(spotShare === undefined ? {} : { spotShare: spotShare / 100 }),
      });
    } catch (error) {
      if (error instanceof CostError || error instanceof SizingError) {
        const where = model.environment ? ` (environment ${model.environment.name})` : '';
        throw new CliError(`${error.message}${where}`, EXIT.failed, error.hint);
      }
      throw error;
    }
  });

  if (options.output === 'json')
    process.stdout.write(`${JSON.stringify(toJson(estimates, table), null, 2)}\n`);
  else if (options.output === 'markdown') process.stdout.write(formatMarkdown(estimates, table));
  else process.stdout.write(formatTable(estimates, table));
  return EXIT.ok;
}

/** The environment asked for; else every declared one; else the base spec. */
function loadModels(options: Options): AppModel[] {
  const target = { file: options.file, target: 'cluster' } as const;
  const base = specOf({ ...target, env: options.env }, 'nothing estimated').model;
  if (options.env !== undefined || base.environments.length === 0) return [base];
  return environmentsOf(target, 'nothing estimated').environments;
}

/** The price table: --prices FILE, else the one shipped in data/ with its sources' dates. */
export function loadPrices(file: string | undefined): PriceTable {
  const path = file ?? SHIPPED_PRICES;
  const shown = file ?? 'data/prices.json';
  const text = readData(path, shown, '--prices: a JSON price table shaped like data/prices.json');
  const sources =
    file === undefined && existsSync(SHIPPED_SOURCES) ? readFileSync(SHIPPED_SOURCES, 'utf8') : undefined;
  return orFail(parsePriceTable(text, shown, sources), text, shown, 'price table');
}

function loadUsageFile(value: string | undefined): UsageFile | undefined {
  if (value === undefined) return undefined;
  if (PRESET_NAMES.includes(value as PresetName) && !existsSync(value)) return undefined;
  const text = readData(
    value,
    value,
    `--usage: a YAML/JSON file (egressGB, natGB, lcu, logsGB, peakHoursPerDay) or a preset: ${PRESET_NAMES.join(', ')}`,
  );
  return orFail(parseUsage(text, value), text, value, 'usage file');
}

function orFail<T>(parsed: Parsed<T>, text: string, file: string, what: string): T {
  if (parsed.ok) return parsed.value;
  process.stderr.write(`${formatProblems(parsed.problems, text)}\n\n`);
  throw new CliError(`${file}: ${countLabel(parsed.problems)} in the ${what}; nothing estimated`, EXIT.usage);
}

function readData(path: string, shown: string, hint: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${shown}: no such file`, EXIT.usage, hint);
    if (code === 'EISDIR') throw new CliError(`${shown} is a directory`, EXIT.usage, hint);
    throw new CliError(`cannot read ${shown}: ${(error as Error).message}`, EXIT.usage);
  }
}

function wholeNumber(
  value: string | undefined,
  flag: string,
  min: number,
  max: number,
  hint?: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`${flag} ${value}: expected a whole number from ${min} to ${max}`, EXIT.usage, hint);
  return n;
}
