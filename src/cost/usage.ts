/**
 * Lines that depend on traffic, not on the spec: internet egress, NAT gateway data, load
 * balancer capacity units, log ingestion. Their quantities come from `--usage FILE` or a
 * preset; without either the line has no figure and says the price to multiply by.
 *
 * Egress (AWS, per month): the first 100 GB free, then up to 10 TB at the first_10tb rate,
 * the next 40 TB, the next 100 TB, and the rest at their rows' rates (TB = 1,024 GB).
 * e.g. 500 GB → 100 × $0 + 400 × $0.09 = $36.00.
 * NAT: GB × data rate. LCU: average units × 730 h × rate, per load balancer.
 * Logs: GB ingested × ingestion rate + GB stored × storage rate (one month kept).
 */
import { z } from 'zod';
import { type Parsed, parseDocument } from '../spec/document.ts';
import { type CostLine, usageLine } from './line.ts';
import type { PriceRef, PriceTable } from './prices.ts';

const GB = z.number().nonnegative();
const Figures = {
  egressGB: GB.optional().describe('GB a month sent to the internet'),
  natGB: GB.optional().describe('GB a month through the NAT gateways (pulls, outbound calls)'),
  lcu: GB.optional().describe('average load balancer capacity units (ALB LCU / NLB NLCU) per hour'),
  logsGB: GB.optional().describe('GB of logs ingested a month'),
  peakHoursPerDay: z
    .number()
    .min(0)
    .max(24)
    .optional()
    .describe('hours a day at max replicas; the rest at min (gives the expected monthly cost)'),
};

export const PRESET_NAMES = ['small', 'medium', 'large'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const Figures_ = z.strictObject(Figures);
export const UsageSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES).optional().describe('start from a preset; fields here override it'),
  ...Figures,
  environments: z
    .record(z.string(), Figures_)
    .optional()
    .describe('per environment: overrides the fields above'),
});

export type UsageFile = z.output<typeof UsageSchema>;
export type Usage = z.output<typeof Figures_> & { from: string };

/**
 * Round numbers for orders of magnitude, not measurements: a small app (a few thousand
 * visits a day), a medium one, a large one. Each line built on them says "preset".
 */
export const PRESETS: Record<PresetName, z.output<typeof Figures_>> = {
  small: { egressGB: 50, natGB: 20, lcu: 1, logsGB: 5, peakHoursPerDay: 4 },
  medium: { egressGB: 500, natGB: 200, lcu: 5, logsGB: 50, peakHoursPerDay: 8 },
  large: { egressGB: 5000, natGB: 2000, lcu: 25, logsGB: 500, peakHoursPerDay: 12 },
};

export function parseUsage(text: string, file: string): Parsed<UsageFile> {
  return parseDocument(UsageSchema, text, file, 'the usage file');
}

/** The figures for one environment: preset, then the file's fields, then its environment's. */
export function usageFor(
  file: UsageFile | undefined,
  fileName: string | undefined,
  preset: PresetName | undefined,
  environment: string | undefined,
): Usage | undefined {
  if (!file && !preset) return undefined;
  const start = preset ?? file?.preset;
  const { environments, preset: _preset, ...top } = file ?? {};
  const perEnv = environment ? environments?.[environment] : undefined;
  const from = [start ? `preset ${start}` : undefined, fileName].filter(Boolean).join(' + ');
  return { ...(start ? PRESETS[start] : {}), ...defined(top), ...defined(perEnv ?? {}), from };
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const EGRESS_TIERS: [upToGB: number, row: string][] = [
  [100, 'internet_out_first_100gb'],
  [10 * 1024, 'internet_out_first_10tb'],
  [50 * 1024, 'internet_out_next_40tb'],
  [150 * 1024, 'internet_out_next_100tb'],
  [Number.POSITIVE_INFINITY, 'internet_out_over_150tb'],
];

/** Tiered internet egress; null when a tier it reaches has no price. */
export function egressCost(gb: number, table: PriceTable): number | null {
  let cost = 0;
  let from = 0;
  for (const [upTo, name] of EGRESS_TIERS) {
    if (gb <= from) break;
    const usd = table.row('aws', 'data_transfer', name).usd;
    if (usd === null) return null;
    cost += (Math.min(gb, upTo) - from) * usd;
    from = upTo;
  }
  return cost;
}

export interface UsageOptions {
  /** Load balancers by kind (0 each when there are none). */
  loadBalancers: { nlb: number; alb: number };
  /** The log groups gantry infra creates (their ingestion is what logsGB counts). */
  logGroups?: readonly string[];
}

export function usageCost(usage: Usage | undefined, table: PriceTable, options: UsageOptions): CostLine[] {
  const tag = usage ? ` (${usage.from})` : '';
  const row = (category: string, name: string) => table.row('aws', category, name);
  const firstTier = row('data_transfer', 'internet_out_first_10tb');
  const lines: CostLine[] = [
    usageLine(
      firstTier,
      usage?.egressGB,
      {
        id: 'egress',
        section: 'usage',
        item: `internet egress${tag}`,
        unit: 'GB',
        note: 'first 100 GB a month free (data_transfer.internet_out_first_100gb; per account, counted in each estimate), then tiered',
      },
      (gb) => egressCost(gb, table) ?? Number.NaN,
    ),
    usageLine(row('vpc', 'nat_gateway_data'), usage?.natGB, {
      id: 'nat-data',
      section: 'usage',
      item: `NAT gateway data${tag}`,
      unit: 'GB',
    }),
  ];
  const lcu = (ref: PriceRef, count: number, id: string, item: string) =>
    usageLine(
      ref,
      usage?.lcu,
      {
        id,
        section: 'usage',
        item: `${item}${tag}`,
        unit: 'LCU (avg)',
        note: `${count} load balancer(s) × 730 h`,
      },
      (units, usd) => units * usd * table.hoursPerMonth * count,
    );
  if (options.loadBalancers.alb > 0)
    lines.push(lcu(row('elb', 'alb_lcu'), options.loadBalancers.alb, 'alb-lcu', 'ALB capacity units'));
  if (options.loadBalancers.nlb > 0)
    lines.push(lcu(row('elb', 'nlb_nlcu'), options.loadBalancers.nlb, 'nlb-lcu', 'NLB capacity units'));
  lines.push(
    usageLine(row('cloudwatch_logs', 'ingestion'), usage?.logsGB, {
      id: 'logs-ingestion',
      section: 'usage',
      item: `CloudWatch Logs ingestion${tag}`,
      unit: 'GB',
      ...(options.logGroups?.length
        ? { note: `into the log groups gantry infra creates: ${options.logGroups.join(', ')}` }
        : {}),
    }),
    usageLine(row('cloudwatch_logs', 'storage'), usage?.logsGB, {
      id: 'logs-storage',
      section: 'usage',
      item: `CloudWatch Logs storage, one month kept${tag}`,
      unit: 'GB',
    }),
  );
  // A NaN from a tier without a price becomes "no figure", never a number.
  return lines.map((line) =>
    line.monthly !== null && Number.isNaN(line.monthly)
      ? { ...line, monthly: null, note: `${line.note ?? ''}; a tier it reaches has no price in the table` }
      : line,
  );
}
