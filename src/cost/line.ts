/**
 * One line of a bill: what is counted, how many, the price of one unit (a row of the price
 * table, by key and source), and the monthly cost. Lines are built at on-demand prices;
 * pricing options (pricing.ts) discount them afterwards by their `commitment` class.
 *
 * A line never invents a figure: without a price (`usd: null`, or no row) or without a
 * quantity (usage not given) its monthly cost is null and its note says why.
 */
import type { PriceRef, PriceTable } from './prices.ts';

/** What a pricing option may discount: compute by instance (or Fargate), databases, caches. */
export type Commitment =
  /** `onDemandOnly`: why spot pricing does not apply (a node group the infrastructure pins to on-demand). */
  | { kind: 'ec2'; instance: string; onDemandOnly?: string }
  | { kind: 'fargate' }
  | { kind: 'rds'; instance: string }
  | { kind: 'elasticache'; instance: string }
  | { kind: 'vm' };

export type Section = 'cluster' | 'compute' | 'storage' | 'network' | 'managed' | 'usage' | 'secrets';

export interface CostLine {
  /** Stable within an estimate: lines at min and at max replicas are matched by it. */
  id: string;
  section: Section;
  item: string;
  /** null when it depends on usage nobody gave. */
  quantity: number | null;
  /** What one of `quantity` is: node, GB, cluster… */
  unit: string;
  /** The row's price per its own unit (hour, GB-month, GB…). */
  price: { usd: number | null; per: string; key: string };
  monthly: number | null;
  /** The same line at min replicas, when it differs. */
  atMin?: { quantity: number | null; monthly: number | null };
  source: string;
  note?: string;
  commitment?: Commitment;
}

interface LineBase {
  id: string;
  section: Section;
  item: string;
  unit: string;
  note?: string;
  commitment?: Commitment;
}

/** quantity × hourly price × hours in a month (730 in the shipped table). */
export function hourlyLine(table: PriceTable, ref: PriceRef, quantity: number, base: LineBase): CostLine {
  return build(ref, quantity, base, (usd) => quantity * usd * table.hoursPerMonth);
}

/** quantity × monthly price (GB-month, secret-month). */
export function monthlyLine(ref: PriceRef, quantity: number, base: LineBase): CostLine {
  return build(ref, quantity, base, (usd) => quantity * usd);
}

/**
 * A usage line: quantity × price when the usage is known; otherwise no figure but the
 * price to multiply by ("depends on usage: $0.045 per GB").
 */
export function usageLine(
  ref: PriceRef,
  quantity: number | undefined,
  base: LineBase,
  cost: (quantity: number, usd: number) => number = (q, usd) => q * usd,
): CostLine {
  if (quantity === undefined) {
    const line = build(ref, null, base, () => null);
    if (ref.usd === null) return line;
    return { ...line, note: joinNotes(`depends on usage: ${unitMoney(ref.usd)} per ${ref.unit}`, base.note) };
  }
  return build(ref, quantity, base, (usd) => cost(quantity, usd));
}

function build(
  ref: PriceRef,
  quantity: number | null,
  base: LineBase,
  cost: (usd: number) => number | null,
): CostLine {
  const monthly = ref.usd === null ? null : cost(ref.usd);
  const missing =
    ref.usd === null
      ? ref.unit === ''
        ? `no price: the table has no row ${ref.key}`
        : `no price: ${ref.key} is null in the table (${ref.source})`
      : undefined;
  return {
    id: base.id,
    section: base.section,
    item: base.item,
    quantity,
    unit: base.unit,
    price: { usd: ref.usd, per: ref.unit, key: ref.key },
    monthly,
    source: `${ref.key} (${ref.source})`,
    ...(missing || base.note ? { note: joinNotes(missing, base.note) } : {}),
    ...(base.commitment ? { commitment: base.commitment } : {}),
  };
}

export function joinNotes(...notes: (string | undefined)[]): string {
  return notes.filter((note) => note !== undefined && note !== '').join('; ');
}

/** Sum of the lines that have a figure (null lines are listed apart, never counted as 0 silently). */
export function sumMonthly(lines: readonly CostLine[], at: 'max' | 'min' = 'max'): number {
  return lines.reduce(
    (sum, line) => sum + ((at === 'min' && line.atMin ? line.atMin.monthly : line.monthly) ?? 0),
    0,
  );
}

/** $1,234.56, $0.80: money as a bill shows it, to the cent. */
export function money(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A unit price keeps the digits of its row: $0.096, $0.004445, $0.10. */
export function unitMoney(usd: number): string {
  const text = String(Number(usd.toPrecision(6)));
  const decimals = text.split('.')[1]?.length ?? 0;
  return `$${decimals >= 2 ? text : usd.toFixed(2)}`;
}

/** Cents, as bills round: used for totals and in tests. */
export function cents(usd: number): number {
  // Through micro-dollars first, so 203.335 (stored as 203.33499…) rounds half up to 203.34.
  return Math.round(Math.round(usd * 1e6) / 1e4) / 100;
}
