/**
 * The price table: one typed module for data/prices.json (list prices with a source tag per
 * row) or a user's own table of the same shape (`--prices FILE`: their region, their rates).
 *
 * A row is `{ unit, usd, source }`, with `pct` for discounts. `usd: null` means the compilers
 * did not find a price: the estimate never invents one, the line that needs it says so.
 * `as of` dates come from the sources file beside the table (tag → date of the figures).
 * Pure: callers pass the text; reading the files is the CLI's job.
 */
import { z } from 'zod';
import { type Parsed, parseDocument } from '../spec/document.ts';

const PriceRow = z.strictObject({
  unit: z.string().min(1).describe('what one unit is: hour, GB-month, vCPU-hour, percent_off_on_demand…'),
  usd: z
    .number()
    .nonnegative()
    .nullable()
    .describe('the price of one unit in the table currency; null when not found'),
  pct: z.union([z.number(), z.string()]).optional().describe('discount rows: percent off on-demand'),
  source: z.string().min(1).describe('where the figure comes from (a tag of the sources file)'),
});

const Category = z.record(z.string(), PriceRow);
const Provider = z.record(z.string(), Category);

export const PriceTableSchema = z.strictObject({
  _meta: z.looseObject({
    currency: z.string().min(1).describe('e.g. USD'),
    hours_per_month: z.number().positive().describe('hours in a billing month; AWS uses 730'),
    generated: z.string().optional(),
    default_region: z
      .strictObject({ aws: z.string().optional(), gcp: z.string().optional(), azure: z.string().optional() })
      .optional()
      .describe("the region each provider's prices are for, e.g. { aws: us-east-1 }"),
  }),
  aws: Provider.optional(),
  gcp: Provider.optional(),
  azure: Provider.optional(),
});

export type PriceTableData = z.output<typeof PriceTableSchema>;
export type ProviderName = 'aws' | 'gcp' | 'azure';

/** A row found (or not) in the table, with the key readers can look up: `aws.ec2.m6i.large`. */
export interface PriceRef {
  key: string;
  unit: string;
  /** null: the table has the row but no price, or has no such row. */
  usd: number | null;
  pct?: number;
  source: string;
}

export interface PriceTable {
  /** The file it was read from (shown in the output). */
  file: string;
  currency: string;
  hoursPerMonth: number;
  generated?: string;
  /** The region each provider's prices are for (`_meta.default_region`); absent when the table does not say. */
  regions: Partial<Record<ProviderName, string>>;
  /** Source tag → date of its figures, from the sources file (empty without one). */
  sourceDates: Map<string, string>;
  row(provider: ProviderName, category: string, name: string): PriceRef;
  has(provider: ProviderName, category: string, name: string): boolean;
}

export function parsePriceTable(text: string, file: string, sourcesText?: string): Parsed<PriceTable> {
  const parsed = parseDocument(PriceTableSchema, text, file, 'the price table');
  if (!parsed.ok) return parsed;
  return { ok: true, value: priceTable(parsed.value, file, parseSourceDates(sourcesText ?? '')) };
}

export function priceTable(
  data: PriceTableData,
  file: string,
  sourceDates = new Map<string, string>(),
): PriceTable {
  const find = (provider: ProviderName, category: string, name: string) => data[provider]?.[category]?.[name];
  return {
    file,
    currency: data._meta.currency,
    hoursPerMonth: data._meta.hours_per_month,
    ...(data._meta.generated ? { generated: data._meta.generated } : {}),
    regions: { ...data._meta.default_region },
    sourceDates,
    has: (provider, category, name) => find(provider, category, name) !== undefined,
    row(provider, category, name) {
      const key = `${provider}.${category}.${name}`;
      const found = find(provider, category, name);
      if (!found) return { key, unit: '', usd: null, source: `no row ${key} in ${file}` };
      const pct = typeof found.pct === 'number' ? found.pct : undefined;
      return {
        key,
        unit: found.unit,
        usd: found.usd,
        ...(pct === undefined ? {} : { pct }),
        source: found.source,
      };
    },
  };
}

/** `| S1 | source … | 2024-07 … 2026-07 | kind |` rows of the sources file → tag → date column. */
export function parseSourceDates(markdown: string): Map<string, string> {
  const dates = new Map<string, string>();
  for (const line of markdown.split(/\r?\n/)) {
    const cells = line.split('|').map((cell) => cell.trim());
    // A table row splits into ['', tag, source, date, kind, ''].
    if (cells.length >= 5 && /^S\d+$/.test(cells[1]!)) dates.set(cells[1]!, cells[3]!);
  }
  return dates;
}

/** The source tags a row names: "S1 (2025-07-04), S17, S15" → S1, S17, S15. */
export function sourceTags(source: string): string[] {
  return [...new Set(source.match(/\bS\d+\b/g) ?? [])];
}
