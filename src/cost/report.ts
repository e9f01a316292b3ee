/**
 * An estimate as people read it: a text table per environment (terminal), Markdown (a pull
 * request comment), or JSON (scripts; money rounded to cents, unit prices as in the table).
 * Pure: strings and values in, strings out.
 */
import type { EnvironmentEstimate, Totals } from './estimate.ts';
import { type CostLine, cents, money, unitMoney } from './line.ts';
import { cpu, gib } from './node-choice.ts';
import type { PriceTable } from './prices.ts';

export function quantityText(line: CostLine, quantity = line.quantity): string {
  if (quantity === null) return '—';
  const n = Number(quantity.toFixed(2));
  const unit = /^[a-z]+$/.test(line.unit) && n !== 1 ? `${line.unit}s` : line.unit;
  return `${n.toLocaleString('en-US')} ${unit}`;
}

export function unitPriceText(line: CostLine): string {
  return line.price.usd === null ? 'no price' : `${unitMoney(line.price.usd)}/${line.price.per}`;
}

const figure = (usd: number | null) => (usd === null ? '—' : money(cents(usd)));

function title(e: EnvironmentEstimate): string {
  const env = e.environment ? `${e.environment} (${e.tier})` : `base spec (${e.tier})`;
  const region = e.region ?? 'region not stated by the price table';
  return `${e.app} · ${env} · ${e.provider.toUpperCase()} ${e.target.toUpperCase()} · ${region} · ${e.pricing} · ${e.azs} zone${e.azs === 1 ? '' : 's'}`;
}

/**
 * The lines left out of the total, in two kinds: those waiting for usage figures (`--usage`), and
 * those the price table has no price for — counted, but not priced.
 */
function withoutFigure(e: EnvironmentEstimate): { usage: string[]; notPriced: string[] } {
  const lines = e.lines.filter((line) => line.monthly === null);
  return {
    usage: lines.filter((line) => line.price.usd !== null).map((line) => line.item),
    notPriced: lines
      .filter((line) => line.price.usd === null)
      .map((line) =>
        line.quantity === null ? line.item : `${line.item} × ${Number(line.quantity.toFixed(2))}`,
      ),
  };
}

function withoutFigureText(e: EnvironmentEstimate): string[] {
  const { usage, notPriced } = withoutFigure(e);
  return [
    ...(usage.length > 0
      ? [`not in the total (no figure: depends on usage, see --usage): ${usage.join(', ')}`]
      : []),
    ...(notPriced.length > 0
      ? [`not in the total (not priced: no price in the table): ${notPriced.join(', ')}`]
      : []),
  ];
}

function totalsText(t: Totals): string {
  const expected = t.expected === undefined ? '' : `, expected ${money(cents(t.expected))}`;
  return t.max === t.min
    ? `${money(cents(t.max))} a month${expected}`
    : `${money(cents(t.max))} a month at max replicas, ${money(cents(t.min))} at min${expected}`;
}

function pricingRows(e: EnvironmentEstimate): string[][] {
  const base = e.byPricing.find((p) => p.pricing === 'on-demand')!.totals.max;
  return e.byPricing.map(({ pricing, totals }) => [
    pricing,
    money(cents(totals.max)),
    money(cents(totals.min)),
    // The same total as on-demand: the table has no discount row for any line, not a $0.00 saving.
    pricing === 'on-demand'
      ? ''
      : totals.max === base
        ? 'no figure'
        : `${money(cents(totals.max - base))}`.replace('$-', '−$'),
  ]);
}

function allocationText(e: EnvironmentEstimate): string[] {
  const cluster = e.cluster;
  if (!cluster) return [];
  const { nodes, allocation } = cluster;
  const lines = [`nodes: ${nodes.nodes.max} × ${nodes.type.name} at max replicas, ${nodes.nodes.min} at min`];
  if (!allocation) return [...lines, 'allocation: no price for the node or the CPU/memory ratio rows'];
  const idle = allocation.shares.find((s) => s.component === 'idle')!;
  lines.push(
    `allocation at max replicas (OpenCost: node price split ${unitMoney(allocation.cpuRatePerHour)}/vCPU-hour, ${unitMoney(allocation.memoryRatePerHour)}/GiB-hour in the ratio of ${allocation.ratio.cpu.key} : ${allocation.ratio.memory.key}):`,
    ...allocation.shares.map(
      (s) =>
        `  ${s.component.padEnd(12)} ${money(cents(s.monthly)).padStart(10)}  ${cpu(s.cpuMillis)} CPU, ${gib(s.memoryBytes)}`,
    ),
    `idle capacity: ${cpu(idle.cpuMillis)} CPU and ${gib(idle.memoryBytes)} memory (capacity − requests − system)`,
  );
  return lines;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatTable(estimates: readonly EnvironmentEstimate[], table: PriceTable): string {
  const out: string[] = [];
  for (const e of estimates) {
    out.push(title(e));
    const header = ['LINE', 'QUANTITY', 'UNIT PRICE', 'MONTHLY', 'AT MIN', 'SOURCE'];
    const rows = e.lines.map((l) => [
      l.item,
      quantityText(l),
      unitPriceText(l),
      figure(l.monthly),
      l.atMin ? figure(l.atMin.monthly) : '',
      l.price.key,
    ]);
    const padded = pad([header, ...rows]);
    out.push(`  ${padded[0]}`);
    e.lines.forEach((l, i) => {
      out.push(`  ${padded[i + 1]}`);
      if (l.note) out.push(`      ${l.note}`);
    });
    out.push('', `  total: ${totalsText(e.totals)}`);
    for (const line of withoutFigureText(e)) out.push(`  ${line}`);
    out.push('  pricing options (total at max, at min, difference from on-demand):');
    for (const row of pad(pricingRows(e))) out.push(`    ${row}`);
    for (const line of allocationText(e)) out.push(`  ${line}`);
    for (const note of e.notes) out.push(`  note: ${note}`);
    for (const gap of e.notCovered) out.push(`  not covered: ${gap}`);
    out.push('');
  }
  out.push(sourcesText(estimates, table));
  return `${out.join('\n')}\n`;
}

function sourcesText(estimates: readonly EnvironmentEstimate[], table: PriceTable): string {
  const tags = new Map(estimates.flatMap((e) => e.asOf.map((a) => [a.tag, a.date] as const)));
  const list = [...tags.entries()].map(([tag, date]) => `${tag} ${date}`).join('; ');
  const regions = Object.entries(table.regions)
    .map(([provider, region]) => `${provider} ${region}`)
    .join(', ');
  return `prices: ${table.file}${table.generated ? ` (${table.generated})` : ''}, ${regions ? `for ${regions}, ` : ''}${table.currency}, ${table.hoursPerMonth} h a month; as of: ${list || 'no dated sources'}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function formatMarkdown(estimates: readonly EnvironmentEstimate[], table: PriceTable): string {
  const out: string[] = [];
  for (const e of estimates) {
    out.push(`### ${title(e)}`, '', `**${totalsText(e.totals)}**`, '');
    out.push('| Line | Quantity | Unit price | Monthly | At min | Source |', '|---|---:|---:|---:|---:|---|');
    for (const l of e.lines)
      out.push(
        `| ${cell(l.item)}${l.note ? `<br><sub>${cell(l.note)}</sub>` : ''} | ${quantityText(l)} | ${unitPriceText(l)} | ${figure(l.monthly)} | ${l.atMin ? figure(l.atMin.monthly) : ''} | \`${l.price.key}\` |`,
      );
    out.push('');
    for (const line of withoutFigureText(e)) out.push(`${line[0]!.toUpperCase()}${line.slice(1)}.`, '');
    out.push('| Pricing | At max | At min | vs on-demand |', '|---|---:|---:|---:|');
    for (const row of pricingRows(e)) out.push(`| ${row.join(' | ')} |`);
    out.push('');
    const details = [
      ...allocationText(e),
      ...e.notes.map((n) => `note: ${n}`),
      ...e.notCovered.map((n) => `not covered: ${n}`),
    ];
    if (details.length > 0)
      out.push(
        '<details><summary>Nodes, allocation and notes</summary>',
        '',
        '```',
        ...details,
        '```',
        '</details>',
        '',
      );
  }
  out.push(`<sub>${sourcesText(estimates, table)}</sub>`);
  return `${out.join('\n')}\n`;
}

export function toJson(estimates: readonly EnvironmentEstimate[], table: PriceTable): unknown {
  const round = (t: Totals) => ({
    max: cents(t.max),
    min: cents(t.min),
    ...(t.expected === undefined ? {} : { expected: cents(t.expected) }),
  });
  return {
    prices: {
      file: table.file,
      currency: table.currency,
      hoursPerMonth: table.hoursPerMonth,
      generated: table.generated ?? null,
      regions: table.regions,
    },
    environments: estimates.map((e) => ({
      app: e.app,
      environment: e.environment,
      tier: e.tier,
      provider: e.provider,
      target: e.target,
      region: e.region,
      pricing: e.pricing,
      zones: e.azs,
      totals: round(e.totals),
      byPricing: Object.fromEntries(e.byPricing.map((p) => [p.pricing, round(p.totals)])),
      lines: e.lines.map((l) => ({
        id: l.id,
        section: l.section,
        item: l.item,
        quantity: l.quantity,
        unit: l.unit,
        unitPrice: l.price.usd,
        per: l.price.per,
        monthly: l.monthly === null ? null : cents(l.monthly),
        ...(l.atMin
          ? {
              atMin: {
                quantity: l.atMin.quantity,
                monthly: l.atMin.monthly === null ? null : cents(l.atMin.monthly),
              },
            }
          : {}),
        priceKey: l.price.key,
        source: l.source,
        ...(l.note ? { note: l.note } : {}),
      })),
      unpriced: e.unpriced,
      notPriced: withoutFigure(e).notPriced,
      ...(e.cluster
        ? {
            nodes: {
              type: e.cluster.nodes.type.name,
              max: e.cluster.nodes.nodes.max,
              min: e.cluster.nodes.nodes.min,
            },
            allocation:
              e.cluster.allocation?.shares.map((s) => ({
                component: s.component,
                cpu: s.cpuMillis / 1000,
                memoryGiB: Number((s.memoryBytes / 1024 ** 3).toFixed(3)),
                monthly: cents(s.monthly),
              })) ?? null,
          }
        : {}),
      notes: e.notes,
      notCovered: e.notCovered,
      asOf: e.asOf,
    })),
  };
}
