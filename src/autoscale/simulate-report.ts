/**
 * A simulation told to a person (ASCII charts of load, replicas and unserved load over time,
 * and a summary) or to a program (JSON: the settings, the timeline, the summary).
 * Pure: returns strings and plain objects; the CLI prints them.
 *
 * A chart has one column per sync, or per group of syncs when there are more syncs than
 * columns (the column then shows the group's highest value). A row is filled when the value
 * reaches its middle; a value above zero too small to fill a row shows as `.`.
 */
import { formatDuration } from '../spec/units.ts';
import type { HpaSpec, MetricSpec } from './hpa-data.ts';
import { formatValue } from './quantity.ts';
import type { Simulation, TimelineRow } from './simulate.ts';
import type { SimulationCost } from './simulate-cost.ts';

export interface SimulationContext {
  service: string;
  /** The environment simulated, or null for the base spec. */
  environment: string | null;
  capacity: number;
  /** Where the capacity came from, for the reader: "--capacity", "the spec's rps target". */
  capacitySource: string;
  syncPeriodSeconds: number;
  readinessDelaySeconds: number;
  durationSeconds: number;
  initialReplicas: number;
  /** The period's cost (simulate-cost.ts), or why it has none. */
  cost?: SimulationCost | string;
}

/** The widest a chart gets, in columns. */
export const CHART_WIDTH = 60;
const LABEL_WIDTH = 8;

export function simulationText(simulation: Simulation, context: SimulationContext): string {
  const { spec, timeline, summary } = simulation;
  const columns = group(timeline);
  const lines: string[] = [];
  const where = context.environment ? ` (${context.environment})` : '';
  lines.push(`Simulated HPA for ${context.service}${where}: ${hpaSummary(spec)}`);
  if (simulation.notSimulated.length > 0)
    lines.push(
      `  not simulated: ${simulation.notSimulated.join(', ')} (not driven by load in this model; assumed never to hold replicas up)`,
    );
  lines.push(
    `  capacity ${count(context.capacity)} rps per ready replica (${context.capacitySource}); new replicas ready after ${seconds(context.readinessDelaySeconds)}; a sync every ${seconds(context.syncPeriodSeconds)}; ${context.initialReplicas} ${context.initialReplicas === 1 ? 'replica' : 'replicas'} at the start`,
    '',
  );

  const peakLoad = Math.max(...timeline.map((row) => row.rps));
  lines.push('load (requests/s)');
  lines.push(
    ...chart(
      columns.map((c) => [max(c, (r) => r.rps)]),
      peakLoad,
      8,
      ['#'],
    ),
  );
  const top = Math.max(spec.maxReplicas, ...timeline.map((row) => row.replicas.current));
  lines.push(`replicas (# ready, + starting; max ${spec.maxReplicas})`);
  lines.push(
    ...chart(
      columns.map((c) => {
        const ready = max(c, (r) => r.replicas.ready);
        return [ready, Math.max(0, max(c, (r) => r.replicas.current) - ready)];
      }),
      top,
      Math.min(top, 10),
      ['#', '+'],
    ),
  );
  const peakUnserved = Math.max(...timeline.map((row) => row.unserved));
  if (peakUnserved > 0) {
    lines.push('unserved (requests/s beyond what the ready replicas serve)');
    lines.push(
      ...chart(
        columns.map((c) => [max(c, (r) => r.unserved)]),
        peakUnserved,
        4,
        ['!'],
      ),
    );
  } else lines.push('unserved: none (the ready replicas served all the load)');
  lines.push(axis(columns));
  if (columns[0]!.length > 1)
    lines.push(
      `${' '.repeat(LABEL_WIDTH + 2)}(one column per ${seconds(columns[0]!.length * context.syncPeriodSeconds)}: the highest value in it)`,
    );
  lines.push('');

  const peakRow = timeline.find((row) => row.unserved === peakUnserved);
  lines.push(
    `peak: ${summary.peakReplicas} replicas at ${at(summary.peakAt)}`,
    `replica-seconds: ${count(summary.replicaSeconds)} (${count(Math.round((summary.replicaSeconds / 3600) * 100) / 100)} replica-hours) over ${seconds(timeline.length * context.syncPeriodSeconds)}`,
    summary.unservedSeconds > 0
      ? `unserved load: for ${seconds(summary.unservedSeconds)}, about ${count(Math.round(summary.unservedRequests))} requests, at most ${count(Math.round(peakUnserved))} rps (at ${at(peakRow!.t)})`
      : 'unserved load: none',
    `reasons: ${Object.entries(summary.reasons)
      .map(([reason, times]) => `${reason} ×${times}`)
      .join(', ')}`,
  );
  if (context.cost !== undefined) lines.push(costText(context.cost, context));
  return `${lines.join('\n')}\n`;
}

export function simulationJson(simulation: Simulation, context: SimulationContext) {
  const { spec } = simulation;
  return {
    service: context.service,
    environment: context.environment,
    hpa: {
      minReplicas: spec.minReplicas ?? 1,
      maxReplicas: spec.maxReplicas,
      metrics: spec.metrics.map((metric) => ({ name: metricName(metric), target: targetText(metric) })),
      notSimulated: simulation.notSimulated,
    },
    model: {
      capacity: context.capacity,
      capacitySource: context.capacitySource,
      readinessDelaySeconds: context.readinessDelaySeconds,
      syncPeriodSeconds: context.syncPeriodSeconds,
      durationSeconds: context.durationSeconds,
      initialReplicas: context.initialReplicas,
    },
    timeline: simulation.timeline,
    summary: simulation.summary,
    ...(context.cost === undefined
      ? {}
      : { cost: typeof context.cost === 'string' ? { unavailable: context.cost } : context.cost }),
  };
}

function costText(cost: SimulationCost | string, context: SimulationContext): string {
  if (typeof cost === 'string') return `cost: ${cost}`;
  const { provider, target, pricing } = cost.basis;
  const where = context.environment ? ` for ${context.environment}` : '';
  const range =
    cost.monthly.min === cost.monthly.max
      ? `${dollars(cost.monthly.min)}/month at min and at max replicas (nodes are not the limit)`
      : `${dollars(cost.monthly.min)}/month at min to ${dollars(cost.monthly.max)} at max replicas`;
  return `cost: ${dollars(cost.total)} over ${seconds(Math.round(cost.hours * 3600))} — ${provider.toUpperCase()} ${target.toUpperCase()} ${pricing}${where}: ${range}; this run averages ${cost.averageReplicas.toFixed(1)} replicas (gantry cost shows the lines)`;
}

const dollars = (usd: number) => `$${usd.toFixed(2)}`;

function metricName(metric: MetricSpec): string {
  return metric.type === 'Resource' ? metric.resource : metric.metric;
}

function targetText(metric: MetricSpec): string {
  const resource = metric.type === 'Resource' ? metric.resource : undefined;
  const { target } = metric;
  if (target.type === 'Utilization') return `${target.averageUtilization}% of requests`;
  if (target.type === 'AverageValue') return `${formatValue(target.averageValue, resource)} per pod`;
  return formatValue(target.value, resource);
}

function metricText(metric: MetricSpec): string {
  return `${metricName(metric)} ${targetText(metric)}`;
}

/** Groups of consecutive rows, at most CHART_WIDTH groups, all of one size but the last. */
function group(timeline: TimelineRow[]): TimelineRow[][] {
  const size = Math.ceil(timeline.length / CHART_WIDTH);
  const groups: TimelineRow[][] = [];
  for (let i = 0; i < timeline.length; i += size) groups.push(timeline.slice(i, i + size));
  return groups;
}

function max(rows: TimelineRow[], pick: (row: TimelineRow) => number): number {
  return Math.max(...rows.map(pick));
}

/**
 * Stacked bars: each column is a list of values drawn bottom up with one mark each, on
 * `height` rows scaled so that `top` fills them all. Labels: the top, the middle and 0.
 */
function chart(columns: number[][], top: number, height: number, marks: string[]): string[] {
  const scale = top > 0 ? top : 1;
  const cells = columns.map((values) => {
    const cell: string[] = Array(height).fill(' ');
    let filled = 0;
    let total = 0;
    values.forEach((value, i) => {
      total += value;
      const rows = Math.min(height, Math.round((total / scale) * height));
      for (; filled < rows; filled++) cell[filled] = marks[i]!;
    });
    if (filled === 0 && total > 0) cell[0] = '.';
    return cell;
  });
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    const value =
      row === height - 1
        ? top
        : row === Math.floor((height - 1) / 2)
          ? (top * (row + 1)) / height
          : undefined;
    const label = value === undefined ? '' : count(Math.round(value));
    lines.push(`${label.padStart(LABEL_WIDTH)} |${cells.map((cell) => cell[row]).join('')}`.trimEnd());
  }
  return lines;
}

/** The time axis: a tick every 10 columns, labelled with the time of the column's first sync, and the end. */
function axis(columns: TimelineRow[][]): string {
  const rule = `${' '.repeat(LABEL_WIDTH)} +${columns.map((_, i) => (i > 0 && i % 10 === 0 ? '+' : '-')).join('')}`;
  let labels = ' '.repeat(LABEL_WIDTH + 2);
  columns.forEach((column, i) => {
    if (i % 10 !== 0) return;
    const text = at(column[0]!.t);
    const position = LABEL_WIDTH + 2 + i;
    if (labels.length <= position) labels = labels.padEnd(position) + text;
  });
  // The last sync's time, right-aligned under the last column, when it fits.
  const last = at(columns[columns.length - 1]![0]!.t);
  const end = LABEL_WIDTH + 2 + columns.length - last.length;
  if (columns.length > 1 && labels.trimEnd().length < end) labels = labels.trimEnd().padEnd(end) + last;
  return `${rule}\n${labels}`;
}

function seconds(value: number): string {
  return formatDuration(Math.round(value * 1000));
}

function at(t: number): string {
  return t === 0 ? '0s' : seconds(t);
}

/** Whole numbers with thin groups of three (12 000), fractions to two places. */
function count(value: number): string {
  const [whole, fraction] = (Math.round(value * 100) / 100).toString().split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

/** `3–10 replicas, cpu 70% of requests, http_requests_per_second 1k per pod`. */
export function hpaSummary(spec: HpaSpec): string {
  return `${spec.minReplicas ?? 1}–${spec.maxReplicas} replicas, ${spec.metrics.map(metricText).join(', ')}`;
}
