import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import { backingSizes, callersOf, networkFacts, routesByService, spotToleration, taskSize } from './facts.ts';

function model(services: string, extra = ''): AppModel {
  const result = loadSpec(`app: t\nservices:\n${services}\n${extra}`, {
    file: 'gantry.yaml',
    target: 'cluster',
  });
  assert.ok(result.ok, JSON.stringify(result.problems));
  return result.model;
}

describe('terraform facts: Fargate task size', () => {
  const rows: { name: string; resources: string; size: { cpu: number; memory: number } }[] = [
    { name: 'no resources: 250m / 512Mi', resources: '{}', size: { cpu: 256, memory: 512 } },
    {
      name: 'requests fit the smallest size',
      resources: '{ requests: { cpu: 100m, memory: 128Mi } }',
      size: { cpu: 256, memory: 512 },
    },
    {
      name: 'a memory limit above the request sizes the task (the task size is the hard cap)',
      resources: '{ requests: { cpu: 250m, memory: 256Mi }, limits: { memory: 3Gi } }',
      size: { cpu: 512, memory: 3072 },
    },
    {
      name: 'CPU rounds up to the next valid size',
      resources: '{ requests: { cpu: 1100m, memory: 1Gi } }',
      size: { cpu: 2048, memory: 4096 },
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const m = model(`  s: { image: "x:1", resources: ${row.resources} }`);
      assert.deepEqual(taskSize(m.services.s!), row.size);
    });
});

describe('terraform facts: routes, callers, zones, spot, backing sizes', () => {
  it('routes: host plus the path and below it; "/" is everything; priorities 10, 20… by service name', () => {
    const m = model(
      [
        '  zeta: { image: "x:1", port: 80, routes: [ { host: a.example.com } ] }',
        '  alpha: { image: "x:1", port: 80, routes: [ { host: a.example.com, path: /api/ }, { host: b.example.com, path: /b } ] }',
        '  hidden: { image: "x:1", routes: [] }',
      ].join('\n'),
    );
    assert.deepEqual(Object.fromEntries(routesByService(m)), {
      alpha: [
        { host: 'a.example.com', paths: ['/api', '/api/*'], priority: 10 },
        { host: 'b.example.com', paths: ['/b', '/b/*'], priority: 20 },
      ],
      zeta: [{ host: 'a.example.com', paths: ['/*'], priority: 30 }],
    });
  });

  it('callers are the services that list this one in uses', () => {
    const m = model(
      '  api: { image: "x:1", port: 80 }\n  worker: { image: "x:1", uses: [api] }\n  cron: { image: "x:1", uses: [api] }',
    );
    assert.deepEqual(callersOf(m, 'api'), ['cron', 'worker']);
    assert.deepEqual(callersOf(m, 'worker'), []);
  });

  it('zones: at least 2 (EKS and ALBs need two), 3 in production; one NAT below production', () => {
    const spec =
      'app: t\nservices: { s: { image: "x:1" } }\nenvironments: { dev: {}, staging: {}, prod: {} }\n';
    const facts = ['dev', 'staging', 'prod'].map((env) => {
      const r = loadSpec(spec, { file: 'gantry.yaml', target: 'cluster', env });
      assert.ok(r.ok);
      return networkFacts(r.model);
    });
    assert.deepEqual(facts, [
      { azCount: 2, singleNatGateway: true, natGateways: 1 },
      { azCount: 2, singleNatGateway: true, natGateways: 1 },
      { azCount: 3, singleNatGateway: false, natGateways: 3 },
    ]);
  });

  it('spot: the first toleration whose key names spot, its effect as EKS spells it', () => {
    const m = model(
      '  s: { image: "x:1", placement: { tolerations: [ { key: dedicated, value: db }, { key: spot, operator: Exists, effect: PreferNoSchedule } ] } }',
    );
    assert.deepEqual(spotToleration(m), { key: 'spot', value: 'true', effect: 'PREFER_NO_SCHEDULE' });
    assert.equal(spotToleration(model('  s: { image: "x:1" }')), null);
  });

  it('backing sizes: postgres Multi-AZ with ha even below production; storage in whole GB, at least 20', () => {
    const m = model(
      '  s: { image: "x:1" }',
      'backing: { db: { kind: postgres, mode: managed, ha: true, storage: 5Gi } }',
    );
    assert.deepEqual(backingSizes(m, m.backing.db!), {
      managed: true,
      instance_class: 'db.t3.micro',
      allocated_storage_gb: 20,
      multi_az: true,
      backup_retention_days: 1,
      deletion_protection: false,
    });
  });
});
