/**
 * `gantry cost` bills what `gantry infra` builds: for every environment of the example and both
 * AWS targets, the quantities on the bill are read back from the generated tfvars (parsed by the
 * HCL parser Terraform uses) — node groups, zones and NAT gateways, RDS and ElastiCache sizes,
 * the ECS services' task sizes and counts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { generateTerraform, type InfraTarget } from '../render/terraform/index.ts';
import { type Json, parseTree } from '../render/terraform/structure.test-support.ts';
import { loadSpec } from '../spec/load.ts';
import { monthlyCost } from './estimate.ts';
import { exampleModel, shippedPrices } from './fixtures.test-support.ts';
import type { CostLine } from './line.ts';

const ENVS = ['dev', 'staging', 'prod'] as const;
const table = shippedPrices();

async function tfvars(target: InfraTarget): Promise<Map<string, Json>> {
  const text = readFileSync(new URL('../../examples/shop/gantry.yaml', import.meta.url), 'utf8');
  const load = (env: string) => {
    const loaded = loadSpec(text, { file: 'gantry.yaml', target: 'cluster', env });
    assert.ok(loaded.ok);
    return loaded.model;
  };
  const files = generateTerraform({
    target,
    model: load('prod'),
    environments: ENVS.map(load),
    regenerate: 'gantry infra',
  });
  const tree = await parseTree(files);
  return new Map(ENVS.map((env) => [env, tree.get(`environments/${env}.tfvars`)!]));
}

const line = (lines: CostLine[], id: string) => {
  const found = lines.find((l) => l.id === id);
  assert.ok(found, `no line ${id} in ${lines.map((l) => l.id).join(', ')}`);
  return found;
};

describe('gantry cost bills what gantry infra builds (read back from its tfvars)', () => {
  it('EKS: zones, NAT gateways, the system node group, the application minimum, RDS', async () => {
    const vars = await tfvars('eks');
    for (const env of ENVS) {
      const v = vars.get(env)!;
      const e = monthlyCost(exampleModel(env), table, { provider: 'aws', target: 'eks' });
      assert.equal(e.azs, v.az_count, `${env} zones`);
      assert.equal(line(e.lines, 'nat-gateways').quantity, v.single_nat_gateway ? 1 : v.az_count, env);
      const system = v.node_groups.system;
      assert.equal(line(e.lines, 'system-nodes').quantity, system.desired_size, `${env} system nodes`);
      assert.equal(line(e.lines, 'system-nodes').price.key, `aws.ec2.${system.instance_types[0]}`);
      assert.ok(e.cluster!.nodes.nodes.min >= v.node_groups.application.min_size, `${env} application min`);
      assert.equal(e.cluster!.nodes.type.name, v.node_groups.application.instance_types[0]);
      const nodes = e.cluster!.nodes.nodes.max + system.desired_size;
      assert.equal(line(e.lines, 'node-root-volumes').quantity, nodes * 20, `${env} root volumes`);
      if (v.rds_db.managed) {
        const az = v.rds_db.multi_az ? 'multi_az' : 'single_az';
        assert.equal(
          line(e.lines, 'rds-instance:db').price.key,
          `aws.rds_postgresql.${v.rds_db.instance_class}_${az}`,
        );
        assert.equal(line(e.lines, 'rds-storage:db').quantity, v.rds_db.allocated_storage_gb);
      } else
        assert.equal(
          e.lines.some((l) => l.id.startsWith('rds-')),
          false,
          `${env}: postgres in the cluster`,
        );
    }
  });

  it('ECS: each service at its task definition size and count, ElastiCache and RDS at their sizes', async () => {
    const vars = await tfvars('ecs');
    for (const env of ENVS) {
      const v = vars.get(env)!;
      const e = monthlyCost(exampleModel(env), table, { provider: 'aws', target: 'ecs' });
      for (const [name, service] of Object.entries(v.services as Record<string, Json>)) {
        const cpu = line(e.lines, `fargate-cpu:${name}`);
        const tasks = {
          max: service.max_capacity ?? service.desired_count,
          min: service.min_capacity ?? service.desired_count,
        };
        assert.equal(cpu.quantity, (tasks.max * service.cpu) / 1024, `${env} ${name} vCPU at max`);
        assert.equal(
          cpu.atMin?.quantity ?? cpu.quantity,
          (tasks.min * service.cpu) / 1024,
          `${env} ${name} at min`,
        );
        assert.equal(line(e.lines, `fargate-memory:${name}`).quantity, (tasks.max * service.memory) / 1024);
      }
      assert.equal(
        line(e.lines, 'elasticache:cache').quantity,
        v.elasticache_cache.nodes,
        `${env} cache nodes`,
      );
      assert.equal(
        line(e.lines, 'elasticache:cache').price.key,
        `aws.elasticache_redis_oss.${v.elasticache_cache.node_type}`,
      );
      assert.equal(
        line(e.lines, 'rds-storage:db').quantity,
        v.rds_db.allocated_storage_gb,
        `${env} RDS storage`,
      );
    }
  });
});
