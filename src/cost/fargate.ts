/**
 * ECS on Fargate: each ECS service gantry infra creates runs its tasks at the smallest valid
 * Fargate CPU/memory combination that holds the service (`fargateSize`; Fargate bills the task
 * size, not the requests), priced per vCPU-hour and per GB-hour (x86 or ARM rows):
 *
 *   task $/month = (vCPU × vCPU-hour + GB × GB-hour) × 730
 *
 * Sizes: src/cloud/fargate-size.ts.
 * e.g. 250m / 256Mi → 0.25 vCPU / 0.5 GB: (0.25 × 0.04048 + 0.5 × 0.004445) × 730 = $9.01.
 */
import type { FargateTasks } from '../cloud/fargate-size.ts';
import { withMin } from './kubernetes.ts';
import { type CostLine, hourlyLine } from './line.ts';
import type { PriceTable } from './prices.ts';

export interface FargateOptions {
  arm: boolean;
}

export function fargateCost(
  services: readonly FargateTasks[],
  table: PriceTable,
  options: FargateOptions,
): CostLine[] {
  const arch = options.arm ? 'arm' : 'x86';
  const vcpuRow = table.row('aws', 'fargate', `linux_${arch}_vcpu`);
  const gbRow = table.row('aws', 'fargate', `linux_${arch}_memory`);
  return services.flatMap(({ service, size, tasks }) => {
    if (tasks.max === 0) return [];
    const vcpu = size.cpu / 1024;
    const gb = size.memory / 1024;
    const label = `${service}: ${tasks.max} task(s) × ${vcpu} vCPU / ${gb} GB`;
    const cpuLine = hourlyLine(table, vcpuRow, tasks.max * vcpu, {
      id: `fargate-cpu:${service}`,
      section: 'compute',
      item: `${label} (vCPU, ${arch})`,
      unit: 'vCPU',
      note: `the task definition gantry infra writes: ${size.cpu} CPU units / ${size.memory} MiB`,
      commitment: { kind: 'fargate' },
    });
    const memLine = hourlyLine(table, gbRow, tasks.max * gb, {
      id: `fargate-memory:${service}`,
      section: 'compute',
      item: `${label} (memory, ${arch})`,
      unit: 'GB',
      commitment: { kind: 'fargate' },
    });
    const hourly = (row: { usd: number | null }) => (q: number) =>
      q * (row.usd ?? Number.NaN) * table.hoursPerMonth;
    return [
      withMin(cpuLine, tasks.min * vcpu, hourly(vcpuRow)),
      withMin(memLine, tasks.min * gb, hourly(gbRow)),
    ];
  });
}
