/**
 * A service's time series with uPlot: requests/s, error rate, p95 latency and ready
 * replicas, one line per version, over the last ten minutes. Autoscaling decisions are
 * drawn on every chart as a vertical mark labelled with their reason, so a step in the
 * replicas line sits next to the reason for it.
 */
import uPlot from 'uplot';
import { FIGURES, type Figure, type ServiceSeries } from './series.ts';
import type { Event } from './types.ts';

const TITLES: Record<Figure, string> = {
  rps: 'requests/s',
  errorRate: 'error rate (%)',
  p95Ms: 'p95 latency (ms)',
  ready: 'ready replicas',
};

/** The least each y axis shows, so an idle service draws a flat line at the bottom, not noise. */
const FLOOR: Record<Figure, number> = { rps: 1, errorRate: 1, p95Ms: 10, ready: 1 };

const COLOURS = ['#2f6fde', '#e0662b', '#2a9d5b', '#9b4dca', '#c23b5a', '#6b7280'];

/** Event reasons that are autoscaling decisions (the daemon's HPA loop records them). */
export const AUTOSCALE_REASONS = new Set(['SuccessfulRescale', 'FailedRescale']);

export interface Mark {
  at: number;
  label: string;
}

export class ServiceCharts {
  private plots: uPlot[] = [];
  private versionsKey = '';
  private marks: Mark[] = [];

  /** `figures`: what to chart; a service without a port has no traffic, only replicas. */
  constructor(
    private readonly container: HTMLElement,
    private readonly figures: readonly Figure[] = FIGURES,
  ) {}

  update(series: ServiceSeries, marks: Mark[]): void {
    this.marks = marks;
    const key = series.versions.join('\u0000');
    // uPlot's series are fixed at creation: a new version means new charts.
    if (key !== this.versionsKey) this.build(series);
    for (const [i, figure] of this.figures.entries()) {
      const columns = series.columns[figure].map((column) =>
        figure === 'errorRate' ? column.map((v) => (v === null ? null : v * 100)) : column,
      );
      this.plots[i]?.setData([series.times, ...columns] as uPlot.AlignedData);
    }
  }

  private build(series: ServiceSeries): void {
    for (const plot of this.plots) plot.destroy();
    this.container.replaceChildren();
    this.versionsKey = series.versions.join('\u0000');
    // Two charts a row where there is room, one on a phone.
    const room = this.container.clientWidth || 560;
    const width = room >= 640 ? Math.floor((room - 12) / 2) : Math.max(260, room);
    this.plots = this.figures.map((figure) => {
      const target = document.createElement('div');
      target.className = 'chart';
      target.dataset.figure = figure;
      this.container.append(target);
      return new uPlot(
        {
          title: TITLES[figure],
          width,
          height: 160,
          scales: {
            x: { time: true },
            y: { range: (_u, _min, max) => [0, Math.max(max * 1.1, FLOOR[figure])] },
          },
          series: [
            {},
            ...series.versions.map((version, i) => ({
              label: version,
              stroke: COLOURS[i % COLOURS.length]!,
              width: 2,
              ...(figure === 'ready' ? { paths: uPlot.paths.stepped?.({ align: 1 }) } : {}),
            })),
          ],
          hooks: { draw: [(u: uPlot) => this.drawMarks(u)] },
        },
        [series.times, ...series.versions.map(() => [])] as uPlot.AlignedData,
        target,
      );
    });
  }

  private drawMarks(u: uPlot): void {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.strokeStyle = '#b45309';
    ctx.fillStyle = '#b45309';
    ctx.setLineDash([4, 3]);
    ctx.font = `${11 * uPlot.pxRatio}px system-ui, sans-serif`;
    for (const mark of this.marks) {
      const x = u.valToPos(mark.at / 1000, 'x', true);
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.fillText(mark.label, x + 3 * uPlot.pxRatio, bbox.top + 12 * uPlot.pxRatio);
    }
    ctx.restore();
  }
}

/** The autoscaling events of one service as chart marks: "4 replicas: cpu above target". */
export function autoscaleMarks(events: readonly Event[], service: string): Mark[] {
  return events
    .filter((e) => e.service === service && AUTOSCALE_REASONS.has(e.reason))
    .map((e) => ({ at: e.at, label: shortReason(e) }));
}

function shortReason(event: Event): string {
  // "New size: 4; reason: cpu resource utilization (percentage of request) above target"
  const rescale = /^New size: (\d+); reason: (.*)$/.exec(event.message);
  if (rescale) return `→ ${rescale[1]}: ${rescale[2]}`;
  return `${event.reason}: ${event.message}`;
}
