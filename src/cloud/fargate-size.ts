/**
 * Fargate task sizes: each ECS service gantry infra creates runs its tasks at the smallest valid
 * CPU/memory combination that holds the service (Fargate bills the task size, not the requests).
 * Valid sizes (Amazon ECS developer guide, "Task CPU and memory"): 0.25 vCPU with 0.5, 1 or
 * 2 GB; 0.5 vCPU with 1–4 GB; 1 vCPU with 2–8 GB; 2 vCPU with 4–16 GB; 4 vCPU with 8–30 GB
 * (1 GB steps); 8 vCPU with 16–60 GB (4 GB steps); 16 vCPU with 32–120 GB (8 GB steps).
 * Shared by what gantry infra writes and what gantry cost prices.
 */
import { SizingError } from './errors.ts';

const MiB = 1024 ** 2;

export interface FargateSize {
  /** CPU units: 1024 = 1 vCPU. */
  cpu: number;
  /** MiB. */
  memory: number;
}

/** Every valid combination, smallest CPU first, then smallest memory. */
export const FARGATE_SIZES: readonly FargateSize[] = [
  ...[512, 1024, 2048].map((memory) => ({ cpu: 256, memory })),
  ...range(1024, 4096, 1024).map((memory) => ({ cpu: 512, memory })),
  ...range(2048, 8192, 1024).map((memory) => ({ cpu: 1024, memory })),
  ...range(4096, 16384, 1024).map((memory) => ({ cpu: 2048, memory })),
  ...range(8192, 30720, 1024).map((memory) => ({ cpu: 4096, memory })),
  ...range(16384, 61440, 4096).map((memory) => ({ cpu: 8192, memory })),
  ...range(32768, 122880, 8192).map((memory) => ({ cpu: 16384, memory })),
];

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

/**
 * The smallest valid size holding the requests: the first CPU that is enough, then the first
 * memory of that CPU that is enough. It is also the cheapest, since each larger CPU starts at
 * at least as much memory as the smaller one needs.
 * e.g. 100m / 128Mi → 256 / 512; 300m / 3Gi → 512 / 3072; 1100m / 1Gi → 2048 / 4096.
 */
export function fargateSize(cpuMillis: number, memoryBytes: number, what: string): FargateSize {
  const size = FARGATE_SIZES.find((s) => (s.cpu / 1024) * 1000 >= cpuMillis && s.memory * MiB >= memoryBytes);
  if (!size)
    throw new SizingError(
      `${what} asks for ${cpuMillis}m CPU and ${Math.ceil(memoryBytes / MiB)}Mi memory: more than the largest Fargate task (16 vCPU, 120 GB)`,
      'lower its resources.requests, or price it on a cluster: --target eks',
    );
  return size;
}

/** An ECS service as gantry infra writes it (render/terraform/footprint.ts): its task size and count. */
export interface FargateTasks {
  service: string;
  size: FargateSize;
  tasks: { min: number; max: number };
}
