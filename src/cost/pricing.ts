/**
 * Pricing options: the same lines with a discount row of the table applied to what each
 * option can discount — never a made-up rate.
 *
 *   spot        EC2 nodes: discounts.ec2_spot_max; Fargate: discounts.fargate_spot_max
 *               (on `--spot-share` of the compute, default all of it)
 *   savings-1y  a 1-year row for the exact class when the table has one
 *               (discounts.<type>_std_ri_1yr_no_upfront, elasticache_<class>_1yr_…)
 *   savings-3y  the 3-year row for the exact class, else the table's maxima:
 *               compute_savings_plan_max (EC2, Fargate), database_savings_plan_max (RDS),
 *               elasticache_reserved_max (ElastiCache)
 *
 * discounted = on-demand × (1 − share × pct / 100). Rows named *_max are "up to" figures:
 * the result is the best case, and the line says so. What has no row stays on-demand, with
 * a note. e.g. 3 m6i.large nodes $210.24, spot at 90 % off → $21.02.
 */
import { type Commitment, type CostLine, joinNotes } from './line.ts';
import type { PriceRef, PriceTable } from './prices.ts';

export const PRICING_OPTIONS = ['on-demand', 'spot', 'savings-1y', 'savings-3y'] as const;
export type PricingOption = (typeof PRICING_OPTIONS)[number];

export function applyPricing(
  lines: readonly CostLine[],
  option: PricingOption,
  table: PriceTable,
  spotShare = 1,
): CostLine[] {
  if (option === 'on-demand') return [...lines];
  return lines.map((line) => {
    if (!line.commitment) return line;
    const discount = discountFor(line.commitment, option, table);
    if ('missing' in discount) return { ...line, note: joinNotes(line.note, discount.missing) };
    const share = option === 'spot' ? spotShare : 1;
    const factor = 1 - (share * discount.pct) / 100;
    const upTo = discount.ref.key.endsWith('_max') ? 'up to, the best case' : 'for this class';
    const shareText = share < 1 ? ` on ${Math.round(share * 100)}% of it` : '';
    return {
      ...line,
      monthly: line.monthly === null ? null : line.monthly * factor,
      ...(line.atMin
        ? {
            atMin: {
              ...line.atMin,
              monthly: line.atMin.monthly === null ? null : line.atMin.monthly * factor,
            },
          }
        : {}),
      note: joinNotes(
        line.note,
        `${option}: −${discount.pct}%${shareText} (${discount.ref.key}, ${upTo}; ${discount.ref.source})`,
      ),
    };
  });
}

type Discount = { ref: PriceRef; pct: number } | { missing: string };

function discountFor(
  commitment: Commitment,
  option: Exclude<PricingOption, 'on-demand'>,
  table: PriceTable,
): Discount {
  const aws = (name: string) => table.row('aws', 'discounts', name);
  const first = (...names: string[]): Discount => {
    for (const name of names) {
      const ref = aws(name);
      if (ref.pct !== undefined) return { ref, pct: ref.pct };
    }
    return {
      missing: `${option}: no discount row for it in the price table (looked for ${names.join(', ')}); on-demand`,
    };
  };
  switch (commitment.kind) {
    case 'ec2':
      if (option === 'spot' && commitment.onDemandOnly)
        return { missing: `spot: ${commitment.onDemandOnly}; on-demand` };
      if (option === 'spot') return first('ec2_spot_max');
      if (option === 'savings-1y') return first(`${commitment.instance}_std_ri_1yr_no_upfront`);
      return first(`${commitment.instance}_std_ri_3yr_no_upfront`, 'compute_savings_plan_max');
    case 'fargate':
      if (option === 'spot') return first('fargate_spot_max');
      if (option === 'savings-1y') return first('fargate_savings_plan_1yr');
      return first('compute_savings_plan_max');
    case 'rds':
      if (option === 'spot') return { missing: 'spot: RDS has no spot pricing; on-demand' };
      if (option === 'savings-1y') return first(`rds_${commitment.instance}_postgresql_1yr_no_upfront`);
      return first('database_savings_plan_max');
    case 'elasticache':
      if (option === 'spot') return { missing: 'spot: ElastiCache has no spot pricing; on-demand' };
      if (option === 'savings-1y')
        return first(`elasticache_${commitment.instance}_1yr_all_upfront_effective`);
      return first('elasticache_reserved_max');
    case 'vm':
      return {
        missing: `${option}: the table has no usable discount rate for GCP/Azure VMs (a range or not found); on-demand`,
      };
  }
}
