import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FARGATE_SIZES, type FargateTasks, fargateSize } from '../cloud/fargate-size.ts';
import { fargateCost } from './fargate.ts';
import { shippedPrices } from './fixtures.test-support.ts';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe('Fargate task sizes', () => {
  const cases: [name: string, cpuMillis: number, memory: number, cpu: number, memoryMiB: number][] = [
    ['tiny requests → the smallest task', 100, 128 * Mi, 256, 512],
    ['exactly 0.25 vCPU / 512Mi', 250, 512 * Mi, 256, 512],
    ['513Mi needs the next memory step', 250, 513 * Mi, 256, 1024],
    ['3Gi is past 0.25 vCPU (max 2 GB) → 0.5 vCPU / 3 GB', 100, 3 * Gi, 512, 3072],
    ['300m → 0.5 vCPU, its smallest memory 1 GB', 300, 256 * Mi, 512, 1024],
    ['1001m → 2 vCPU, which starts at 4 GB', 1001, 1 * Gi, 2048, 4096],
    ['4 vCPU and 31 GB → 8 vCPU in 4 GB steps: 32 GB', 4000, 31 * Gi, 8192, 32768],
    ['16 vCPU / 120 GB is the largest', 16000, 120 * Gi, 16384, 122880],
  ];
  for (const [name, cpuMillis, memory, cpu, memoryMiB] of cases)
    it(name, () =>
      assert.deepEqual(fargateSize(cpuMillis, memory, 'Deployment/x'), { cpu, memory: memoryMiB }),
    );

  it('lists 7 CPU sizes and the documented memory steps', () => {
    assert.equal(FARGATE_SIZES.length, 3 + 4 + 7 + 13 + 23 + 12 + 12);
  });

  it('refuses a task larger than Fargate has, naming it', () => {
    assert.throws(() => fargateSize(17000, 1 * Gi, 'Deployment/big'), {
      message:
        'Deployment/big asks for 17000m CPU and 1024Mi memory: more than the largest Fargate task (16 vCPU, 120 GB)',
    });
  });

  it('prices tasks per vCPU-hour and GB-hour, x86 or ARM, at max and min tasks', () => {
    const table = shippedPrices();
    // What gantry infra writes for the example's api: 0.25 vCPU / 0.5 GB, autoscaling 3..10 tasks.
    const api: FargateTasks = { service: 'api', size: { cpu: 256, memory: 512 }, tasks: { min: 3, max: 10 } };
    // x86: 10 × 0.25 vCPU × 0.04048 × 730 = 73.876; 10 × 0.5 GB × 0.004445 × 730 = 16.22425
    // at min: 3 tasks → 22.1628 and 4.867275
    const [cpu, memory] = fargateCost([api], table, { arm: false });
    assert.equal(cpu!.quantity, 2.5);
    assert.equal(cpu!.monthly!.toFixed(4), '73.8760');
    assert.equal(memory!.monthly!.toFixed(5), '16.22425');
    assert.deepEqual(cpu!.atMin, { quantity: 0.75, monthly: cpu!.atMin!.monthly });
    assert.equal(cpu!.atMin!.monthly!.toFixed(4), '22.1628');
    assert.equal(memory!.atMin!.monthly!.toFixed(6), '4.867275');
    // ARM: 2.5 × 0.03238 × 730 = 59.0935; 5 × 0.00356 × 730 = 12.994
    const [armCpu, armMemory] = fargateCost([api], table, { arm: true });
    assert.equal(armCpu!.monthly!.toFixed(4), '59.0935');
    assert.equal(armMemory!.monthly!.toFixed(3), '12.994');
    assert.equal(armCpu!.price.key, 'aws.fargate.linux_arm_vcpu');
  });
});
