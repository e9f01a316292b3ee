/**
 * The rollout progress display: one line per workload. On a terminal the lines are redrawn in
 * place; otherwise (CI logs, pipes) a line is printed whenever a workload's status changes.
 */
import type { RolloutStatus } from '../platform/kubernetes/rollout-status.ts';
import { style } from './style.ts';

export class RolloutProgress {
  private readonly lines = new Map<string, string>();
  private drawn = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {}

  update(workload: string, status: RolloutStatus): void {
    const line = formatLine(workload, status, this.stream);
    if (this.lines.get(workload) === line) return;
    this.lines.set(workload, line);
    if (!this.stream.isTTY) {
      this.stream.write(`${line}\n`);
      return;
    }
    // Move up over what was drawn, clear each line, draw every workload again.
    const up = this.drawn > 0 ? `\u001b[${this.drawn}A` : '';
    const body = [...this.lines.values()].map((l) => `\u001b[2K${l}\n`).join('');
    this.stream.write(`${up}${body}`);
    this.drawn = this.lines.size;
  }
}

export function formatLine(workload: string, status: RolloutStatus, stream: NodeJS.WriteStream): string {
  const mark =
    status.state === 'done'
      ? style.green('✓', stream)
      : status.state === 'failed'
        ? style.red('✗', stream)
        : style.yellow('…', stream);
  const counts = `${status.updated}/${status.desired} updated, ${status.ready} ready, ${status.available} available`;
  return `${mark} ${workload}: ${counts} — ${status.message}`;
}
