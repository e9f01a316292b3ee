/**
 * Invalid specs and the exact problem each one reports: line, column where it matters,
 * field path, message and hint, word for word, because this text is what users read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadSpec } from './load.ts';
import type { Problem } from './problem.ts';
import type { Target } from './targets.ts';

/** A valid one-service spec; `service` lines go under services.api (from line 7), `rest` after it. */
const spec = (service = '', rest = '') =>
  `app: shop
services:
  api:
    run: node server.js
    image: acme/api:1.0.0
    port: 8000
${service}${rest}`;

interface Case {
  name: string;
  text: string;
  env?: string;
  target?: Target;
  expect: {
    line: number;
    column?: number;
    path: string;
    message: string;
    hint?: string;
    environment?: string;
  };
}

const cases: Case[] = [
  {
    name: 'misspelt probe key',
    text: spec('    health:\n      readines: { path: /ready }\n'),
    expect: {
      line: 8,
      column: 7,
      path: 'services.api.health.readines',
      message: 'unknown field `readines`',
      hint: 'did you mean `readiness`?',
    },
  },
  {
    name: 'misspelt top-level key',
    text: `${spec()}enviroments: {}\n`,
    expect: {
      line: 7,
      column: 1,
      path: 'enviroments',
      message: 'unknown field `enviroments`',
      hint: 'did you mean `environments`?',
    },
  },
  {
    name: 'unknown key with no near match lists the allowed ones',
    text: spec('    shutdown: { zzz: 1 }\n'),
    expect: {
      line: 7,
      path: 'services.api.shutdown.zzz',
      message: 'unknown field `zzz`',
      hint: 'allowed fields: preStopSeconds, gracePeriodSeconds',
    },
  },
  {
    name: 'quoted number',
    text: spec().replace('port: 8000', 'port: "8000"'),
    expect: {
      line: 6,
      column: 5,
      path: 'services.api.port',
      message: 'expected a number, got "8000"',
      hint: 'remove the quotes: 8000',
    },
  },
  {
    name: 'negative replicas',
    text: spec('    replicas: -1\n'),
    expect: { line: 7, path: 'services.api.replicas', message: 'must be at least 0, got -1' },
  },
  {
    name: 'fractional replicas',
    text: spec('    replicas: 1.5\n'),
    expect: { line: 7, path: 'services.api.replicas', message: 'expected a whole number, got 1.5' },
  },
  {
    name: 'port out of range',
    text: spec().replace('port: 8000', 'port: 70000'),
    expect: { line: 6, path: 'services.api.port', message: 'must be at most 65535, got 70000' },
  },
  {
    name: 'duration without a unit',
    text: spec('    release:\n      strategy: canary\n      steps: [ {pause: 30}, {weight: 100} ]\n'),
    expect: {
      line: 9,
      column: 17,
      path: 'services.api.release.steps[0].pause',
      message: 'expected a duration, or {} to wait for `gantry promote`; got 30',
      hint: 'add a unit, e.g. 30s',
    },
  },
  {
    name: 'duration with a long unit',
    text: spec(
      '    release:\n      strategy: canary\n      steps: [ {pause: { duration: 30 sec }}, {weight: 100} ]\n',
    ),
    expect: {
      line: 9,
      path: 'services.api.release.steps[0].pause.duration',
      message: 'expected a duration such as 500ms, 30s, 5m or 1m30s; got "30 sec"',
      hint: 'use a short unit: ms, s, m or h (e.g. 30s, 5m)',
    },
  },
  {
    name: 'bad CPU unit',
    text: spec('    resources: { requests: { cpu: 250x } }\n'),
    expect: {
      line: 7,
      path: 'services.api.resources.requests.cpu',
      message: 'expected CPU as cores (0.5, 2) or millicores (250m); got "250x"',
    },
  },
  {
    name: 'memory in milli-bytes',
    text: spec('    resources: { limits: { memory: 512m } }\n'),
    expect: {
      line: 7,
      path: 'services.api.resources.limits.memory',
      message: 'expected a quantity such as 256Mi, 1Gi or 512M; got "512m"',
      hint: 'in Kubernetes `m` means milli (thousandths); for mebibytes write 512Mi',
    },
  },
  {
    name: 'memory with a wrong-case unit',
    text: spec('    resources: { limits: { memory: 1GB } }\n'),
    expect: {
      line: 7,
      path: 'services.api.resources.limits.memory',
      message: 'expected a quantity such as 256Mi, 1Gi or 512M; got "1GB"',
      hint: 'units are case-sensitive: 1Gi',
    },
  },
  {
    name: 'autoscale min greater than max',
    text: spec('    resources: { requests: { cpu: 100m } }\n    autoscale: { min: 5, max: 3, cpu: 70 }\n'),
    expect: {
      line: 8,
      column: 18,
      path: 'services.api.autoscale.min',
      message: 'autoscale.min (5) is greater than autoscale.max (3)',
    },
  },
  {
    name: 'replicas outside the autoscale range',
    text: spec(
      '    replicas: 12\n    resources: { requests: { cpu: 100m } }\n    autoscale: { min: 2, max: 10, cpu: 70 }\n',
    ),
    expect: {
      line: 7,
      path: 'services.api.replicas',
      message: 'replicas (12) is outside autoscale [2, 10]',
      hint: 'with autoscale, replicas is only the starting count; remove it or bring it within min..max',
    },
  },
  {
    name: 'autoscale without a target metric',
    text: spec('    autoscale: { min: 1, max: 3 }\n'),
    expect: {
      line: 7,
      path: 'services.api.autoscale',
      message: 'autoscale needs a target: cpu, memory or rps',
      hint: 'e.g. cpu: 70 (percent of requested CPU)',
    },
  },
  {
    name: 'CPU utilisation target without a CPU request',
    text: spec('    autoscale: { min: 1, max: 3, cpu: 70 }\n'),
    expect: {
      line: 7,
      path: 'services.api.autoscale.cpu',
      message: 'autoscale.cpu is a percentage of requested cpu, but resources.requests.cpu is not set',
      hint: 'add resources: { requests: { cpu: 250m } }',
    },
  },
  {
    name: 'decreasing canary weights',
    text: spec(
      '    release:\n      strategy: canary\n      steps:\n        - weight: 50\n        - weight: 20\n        - weight: 100\n',
    ),
    expect: {
      line: 11,
      path: 'services.api.release.steps[1].weight',
      message: 'canary weights must strictly increase: 20 follows 50',
    },
  },
  {
    name: 'canary weights that stop short of 100',
    text: spec(
      '    release:\n      strategy: canary\n      steps:\n        - weight: 10\n        - pause: 1m\n        - weight: 50\n',
    ),
    expect: {
      line: 12,
      path: 'services.api.release.steps[2]',
      message: 'canary weights must end at 100; the last is 50',
      hint: 'add {weight: 100} as the last weight step',
    },
  },
  {
    name: 'canary with an empty list of steps',
    text: spec('    release: { strategy: canary, steps: [] }\n'),
    expect: {
      line: 7,
      path: 'services.api.release.steps',
      message: 'a canary release needs steps, or none at all for the default canary',
      hint: 'remove `steps` (10 % → 25 % → 50 % → 100 %, each weight analysed), or e.g. steps: [ {weight: 10}, {pause: 30s}, {weight: 50}, {weight: 100} ]',
    },
  },
  {
    name: 'an analysis step with analysis switched off',
    text: spec(
      '    release:\n      strategy: canary\n      steps: [ {weight: 50}, {analysis: {}}, {weight: 100} ]\n      analysis: { enabled: false }\n',
    ),
    expect: {
      line: 9,
      path: 'services.api.release.steps[1].analysis',
      message: 'an analysis step, but analysis is switched off (`analysis: { enabled: false }`)',
      hint: 'remove the step, or `enabled: false`',
    },
  },
  {
    name: 'a bake with analysis switched off',
    text: spec('    release:\n      bakeSeconds: 30\n      analysis: { enabled: false }\n'),
    expect: {
      line: 8,
      path: 'services.api.release.bakeSeconds',
      message:
        'a bake measures the new version, but analysis is switched off (`analysis: { enabled: false }`)',
    },
  },
  {
    name: 'a load test with analysis switched off',
    text: spec(
      '    release:\n      analysis:\n        enabled: false\n        loadTest: { requests: [ { path: / } ] }\n',
    ),
    expect: {
      line: 10,
      path: 'services.api.release.analysis.loadTest',
      message:
        'a load test measures for the analysis, but analysis is switched off (`analysis: { enabled: false }`)',
    },
  },
  {
    name: 'a load test without a request',
    text: spec('    release:\n      analysis:\n        loadTest: { requests: [] }\n'),
    expect: {
      line: 9,
      path: 'services.api.release.analysis.loadTest.requests',
      message: 'needs at least 1 item(s)',
    },
  },
  {
    name: 'steps on a rolling release',
    text: spec('    release:\n      steps: [ {weight: 100} ]\n'),
    expect: {
      line: 8,
      path: 'services.api.release.steps',
      message: 'steps apply to the canary strategy, not rolling',
    },
  },
  {
    name: 'a step with two actions',
    text: spec(
      '    release:\n      strategy: canary\n      steps: [ {weight: 10, pause: 5s}, {weight: 100} ]\n',
    ),
    expect: {
      line: 9,
      path: 'services.api.release.steps[0]',
      message: 'step 1 has `weight` and `pause`; it takes exactly one of `weight`, `pause`, `analysis`',
    },
  },
  {
    name: 'misspelt strategy',
    text: spec('    release: { strategy: canery }\n'),
    expect: {
      line: 7,
      path: 'services.api.release.strategy',
      message: 'must be one of rolling, blue-green, canary; got "canery"',
      hint: 'did you mean `canary`?',
    },
  },
  {
    name: 'unknown environment',
    text: `${spec()}environments:\n  dev: {}\n  prod: {}\n`,
    env: 'prd',
    expect: {
      line: 7,
      path: 'environments',
      message: 'unknown environment `prd`',
      hint: 'did you mean `prod`?',
    },
  },
  {
    name: 'unknown environment when none is declared',
    text: spec(),
    env: 'prod',
    expect: {
      line: 1,
      path: 'environments',
      message: 'unknown environment `prod`',
      hint: 'this spec declares no `environments:`',
    },
  },
  {
    name: 'missing image tag in prod',
    text: `${spec().replace('acme/api:1.0.0', 'acme/api')}environments:\n  prod: {}\n`,
    env: 'prod',
    expect: {
      line: 5,
      path: 'services.api.image',
      message: 'image `acme/api` has no tag, which is not allowed in environment `prod` (production)',
      hint: 'pin a version: acme/api:1.0.0',
      environment: 'prod',
    },
  },
  {
    name: 'latest image in staging, set by the overlay',
    text: `${spec()}environments:\n  staging:\n    services:\n      api: { image: "acme/api:latest" }\n`,
    env: 'staging',
    expect: {
      line: 10,
      path: 'environments.staging.services.api.image',
      message: 'image tag `latest` is not allowed in environment `staging` (staging)',
      environment: 'staging',
    },
  },
  {
    name: 'YAML syntax error',
    text: 'app: shop\nservices:\n  api:\n    run: node server.js\n   port: 8000\n',
    expect: {
      line: 5,
      path: '(yaml)',
      message: 'YAML syntax error: All mapping items must start at the same column',
    },
  },
  {
    name: 'duplicate key',
    text: spec('    port: 9000\n'),
    expect: { line: 7, path: '(yaml)', message: 'YAML syntax error: Map keys must be unique' },
  },
  {
    name: 'unclosed flow mapping',
    text: spec('    env: { A: 1\n'),
    expect: {
      line: 8,
      path: '(yaml)',
      message:
        'YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
    },
  },
  {
    name: 'minAvailable not below replicas',
    text: spec('    replicas: 2\n    disruption: { minAvailable: 2 }\n'),
    expect: {
      line: 8,
      path: 'services.api.disruption.minAvailable',
      message: 'minAvailable (2) must be less than the replicas (2), or no replica can ever be evicted',
      hint: 'use at most 1, or raise the replicas',
    },
  },
  {
    name: 'disruption with both fields',
    text: spec('    replicas: 3\n    disruption: { minAvailable: 1, maxUnavailable: 1 }\n'),
    expect: {
      line: 8,
      path: 'services.api.disruption',
      message:
        'disruption has `minAvailable` and `maxUnavailable`; it takes exactly one of `minAvailable`, `maxUnavailable`',
    },
  },
  {
    name: 'reference to an undeclared backing service',
    text: spec('    uses: [dbb]\n', 'backing:\n  db: { kind: postgres }\n'),
    expect: {
      line: 7,
      column: 12,
      path: 'services.api.uses[0]',
      message: '`dbb` is not a backing service or a service',
      hint: 'did you mean `db`?',
    },
  },
  {
    name: 'overlay for a service the base does not have',
    text: `${spec()}environments:\n  prod:\n    services:\n      apii: { replicas: 2 }\n`,
    expect: {
      line: 10,
      path: 'environments.prod.services.apii',
      message: 'environment `prod` changes service `apii`, which the base spec does not declare',
      hint: 'did you mean `api`?',
    },
  },
  {
    name: 'a wrong type in an overlay is shown where the overlay writes it',
    text: `${spec()}environments:\n  prod:\n    services:\n      api: { replicas: three }\n`,
    env: 'prod',
    expect: {
      line: 10,
      column: 14,
      path: 'environments.prod.services.api.replicas',
      message: 'expected a number, got "three"',
      environment: 'prod',
    },
  },
  {
    name: 'the same port twice',
    text: spec('    ports: [ { name: metrics, port: 8000 } ]\n'),
    expect: {
      line: 7,
      path: 'services.api.ports[0].port',
      message: 'port 8000 is used twice in service `api`',
    },
  },
  {
    name: 'requests above limits',
    text: spec('    resources: { requests: { memory: 1Gi }, limits: { memory: 512Mi } }\n'),
    expect: {
      line: 7,
      path: 'services.api.resources.requests.memory',
      message: 'requests.memory is greater than limits.memory',
    },
  },
  {
    name: 'preStop longer than the grace period',
    text: spec('    shutdown: { preStopSeconds: 30, gracePeriodSeconds: 10 }\n'),
    expect: {
      line: 7,
      path: 'services.api.shutdown.preStopSeconds',
      message: 'preStopSeconds (30) must be less than gracePeriodSeconds (10)',
    },
  },
  {
    name: 'probe without a check',
    text: spec('    health:\n      liveness: { periodSeconds: 5 }\n'),
    expect: {
      line: 8,
      path: 'services.api.health.liveness',
      message: 'the liveness probe needs one of `path`, `tcp`, `exec`',
    },
  },
  {
    name: 'probe path without a slash',
    text: spec('    health:\n      readiness: { path: ready }\n'),
    expect: {
      line: 8,
      path: 'services.api.health.readiness.path',
      message: 'must start with "/", got "ready"',
    },
  },
  {
    name: 'app name that is not a DNS label',
    text: spec().replace('app: shop', 'app: My_Shop'),
    expect: {
      line: 1,
      path: 'app',
      message: `app name must be a DNS label: lower-case letters, digits and '-', starting with a letter (e.g. my-api); got "My_Shop"`,
    },
  },
  {
    name: 'missing app',
    text: spec().replace('app: shop\n', ''),
    expect: {
      line: 1,
      path: 'app',
      message: '`app` is required',
      hint: 'app: the application name, used in labels and object names',
    },
  },
  {
    name: 'empty file',
    text: '',
    expect: {
      line: 1,
      path: '(root)',
      message: 'the spec is empty',
      hint: 'run `gantry init` for a starter gantry.yaml',
    },
  },
  {
    name: 'a list at the top',
    text: '- app: shop\n',
    expect: { line: 1, path: '(root)', message: 'the spec must be a mapping with `app` and `services`' },
  },
  {
    name: 'an env value that is a list',
    text: spec('    env:\n      HOSTS: [a, b]\n'),
    expect: {
      line: 8,
      path: 'services.api.env.HOSTS',
      message: 'expected a string, a number or true/false; got a list',
    },
  },
  {
    name: 'unknown backing kind',
    text: spec('', 'backing:\n  db: { kind: postgress }\n'),
    expect: {
      line: 8,
      path: 'backing.db.kind',
      message: 'must be one of postgres, redis, kafka; got "postgress"',
      hint: 'did you mean `postgres`?',
    },
  },
  {
    name: 'a section left empty',
    text: spec('    health:\n'),
    expect: {
      line: 7,
      path: 'services.api.health',
      message: 'expected a mapping (key: value), got null (an empty value)',
      hint: 'the key has no value; indent its fields under it, or remove the key',
    },
  },
  {
    name: 'service with neither run nor image',
    text: 'app: shop\nservices:\n  api:\n    port: 8000\n',
    expect: {
      line: 3,
      path: 'services.api',
      message: 'service `api` has neither `run` nor `image`',
      hint: '`gantry up` needs `run` (a command such as `node server.js`); `gantry render` and `gantry apply` need `image`',
    },
  },
  {
    name: 'local target without run',
    text: 'app: shop\nservices:\n  api:\n    image: acme/api:1.0.0\n    port: 8000\n',
    target: 'local',
    expect: {
      line: 3,
      path: 'services.api.run',
      message: 'service `api` has no `run` command, which `gantry up` needs to start it locally',
      hint: 'e.g. run: node server.js (PORT is set for each replica)',
    },
  },
  {
    name: 'cluster target without image',
    text: 'app: shop\nservices:\n  api:\n    run: node server.js\n    port: 8000\n',
    target: 'cluster',
    expect: {
      line: 3,
      path: 'services.api.image',
      message: 'service `api` has no `image`, which `gantry render` and `gantry apply` need for the cluster',
      hint: 'e.g. image: ghcr.io/acme/api:1.0.0',
    },
  },
  {
    name: 'blue-green without a port',
    text: 'app: shop\nservices:\n  api:\n    run: node server.js\n    release: { strategy: blue-green }\n',
    expect: {
      line: 5,
      path: 'services.api.release.strategy',
      message: 'a blue-green release routes traffic, so the service needs a `port`',
    },
  },
  {
    name: 'success rate above 1',
    text: spec('    release:\n      analysis: { successRate: 99 }\n'),
    expect: {
      line: 8,
      path: 'services.api.release.analysis.successRate',
      message: 'must be at most 1, got 99',
    },
  },
  {
    name: 'a service and a backing service with the same name',
    text: spec('', 'backing:\n  api: { kind: redis }\n'),
    expect: {
      line: 3,
      path: 'services.api',
      message: '`api` names both a service and a backing service',
      hint: 'rename one of them',
    },
  },
  {
    name: 'replicas beyond int32 (what validate accepts, render renders)',
    text: spec('    replicas: 9007199254740991\n'),
    expect: {
      line: 7,
      column: 5,
      path: 'services.api.replicas',
      message: 'must be at most 2147483647, got 9007199254740991',
      hint: 'Kubernetes keeps this field as a 32-bit integer',
    },
  },
  {
    name: 'autoscale.max one past int32',
    text: spec('    autoscale: { min: 1, max: 2147483648, rps: 10 }\n'),
    expect: {
      line: 7,
      path: 'services.api.autoscale.max',
      message: 'must be at most 2147483647, got 2147483648',
      hint: 'Kubernetes keeps this field as a 32-bit integer',
    },
  },
  {
    name: 'a probe period beyond int32',
    text: spec('    health:\n      readiness: { path: /ready, periodSeconds: 4294967296 }\n'),
    expect: {
      line: 8,
      path: 'services.api.health.readiness.periodSeconds',
      message: 'must be at most 2147483647, got 4294967296',
    },
  },
  {
    name: 'maxUnavailable above 100%',
    text: spec('    release: { maxUnavailable: 150% }\n'),
    expect: {
      line: 7,
      path: 'services.api.release.maxUnavailable',
      message: 'a percentage must be at most 100%',
    },
  },
  {
    name: 'a disruption budget above 100%',
    text: spec('    replicas: 3\n    disruption: { maxUnavailable: 101% }\n'),
    expect: {
      line: 8,
      path: 'services.api.disruption.maxUnavailable',
      message: 'a percentage must be at most 100%',
    },
  },
  {
    name: 'CPU as a huge number is too big, not "less than 1m"',
    text: spec('    resources: { requests: { cpu: 1e21 } }\n'),
    expect: {
      line: 7,
      path: 'services.api.resources.requests.cpu',
      message: 'CPU must be at most 9007199254740992m',
    },
  },
  {
    name: 'a YAML tag that turns a string into a number',
    text: spec().replace('app: shop', 'app: !!int "abc"'),
    expect: {
      line: 1,
      column: 1,
      path: 'app',
      message: 'the YAML tag `!!int` would make "abc" a number, but it is written as a string',
      hint: 'remove the tag, and the quotes if the field expects a number or true/false',
    },
  },
  {
    name: 'a YAML tag on a quoted port',
    text: spec().replace('port: 8000', 'port: !!int "8000"'),
    expect: {
      line: 6,
      column: 5,
      path: 'services.api.port',
      message: 'the YAML tag `!!int` would make "8000" a number, but it is written as a string',
    },
  },
  {
    name: 'a YAML tag that turns a number into a string',
    text: spec('    env: { RETRIES: !!str 3 }\n'),
    expect: {
      line: 7,
      path: 'services.api.env.RETRIES',
      message: 'the YAML tag `!!str` would make 3 a string, but it is written as a number',
      hint: 'remove the tag; quote the value if the field expects a string',
    },
  },
  {
    name: 'a YAML tag with no JSON form',
    text: spec('    env: { KEY: !!binary aGVsbG8= }\n'),
    expect: {
      line: 7,
      path: 'services.api.env.KEY',
      message:
        'the YAML tag `!!binary` is not allowed: a spec holds only strings, numbers, true/false, lists and mappings',
      hint: 'remove the tag',
    },
  },
  {
    name: 'passEnv with a name that is not a variable',
    text: spec('    passEnv: [AWS-PROFILE]\n'),
    expect: {
      line: 7,
      path: 'services.api.passEnv[0]',
      message:
        'passEnv lists environment variable names (letters, digits and _, not starting with a digit); got "AWS-PROFILE"',
    },
  },
  {
    name: 'passEnv naming a declared secret',
    text: spec('    secrets: [API_KEY]\n    passEnv: [HTTPS_PROXY, API_KEY]\n'),
    expect: {
      line: 8,
      path: 'services.api.passEnv[1]',
      message: '`API_KEY` is a secret of this service; secrets are passed already',
      hint: 'remove it from passEnv',
    },
  },
  {
    name: 'passEnv naming a variable gantry sets',
    text: spec('    passEnv: [PORT]\n'),
    expect: {
      line: 7,
      path: 'services.api.passEnv[0]',
      message: '`PORT` is set by gantry for each replica',
      hint: 'remove it from passEnv',
    },
  },
  {
    name: 'an SLO of 100 % (no error budget)',
    text: spec('    slo: { availability: 100% }\n'),
    expect: {
      line: 7,
      column: 12,
      path: 'services.api.slo.availability',
      message: 'an availability is above 0% and below 100% (100% leaves no error budget)',
    },
  },
  {
    name: 'an availability written as a percentage without %',
    text: spec('    slo: { availability: 99.9 }\n'),
    expect: {
      line: 7,
      path: 'services.api.slo.availability',
      message: 'a number here is a fraction of 1: write 0.999 or 99.9%',
    },
  },
  {
    name: 'an availability that is not a number',
    text: spec('    slo: { availability: high }\n'),
    expect: {
      line: 7,
      path: 'services.api.slo.availability',
      message:
        'expected a percentage such as 99.9% or a fraction such as 0.999: requests answered without a 5xx; got "high"',
    },
  },
  {
    name: 'an SLO window shorter than the slowest alert needs',
    text: spec('    slo: { window: 3d }\n'),
    expect: {
      line: 7,
      column: 12,
      path: 'services.api.slo.window',
      message: 'an SLO window is at least 7d (the slowest burn-rate alert looks back 3 days)',
    },
  },
  {
    name: 'an SLO window in words',
    text: spec('    slo: { window: 30days }\n'),
    expect: {
      line: 7,
      path: 'services.api.slo.window',
      message: 'expected a window in hours, days or weeks such as 30d or 4w; got "30days"',
    },
  },
  {
    name: 'a misspelt metrics field',
    text: spec('    metrics: { prot: 9100 }\n'),
    expect: {
      line: 7,
      column: 16,
      path: 'services.api.metrics.prot',
      message: 'unknown field `prot`',
      hint: 'did you mean `port`?',
    },
  },
  {
    name: 'an SLO on a service that exports no metrics',
    text: spec('    metrics: { enabled: false }\n    slo: { availability: 99.9% }\n'),
    expect: {
      line: 8,
      column: 5,
      path: 'services.api.slo',
      message: 'an SLO is measured from the service’s metrics, but `metrics.enabled` is false',
      hint: 'remove `slo`, or the `enabled: false` under `metrics`',
    },
  },
  {
    name: 'metrics on a service without a port',
    text: 'app: shop\nservices:\n  worker:\n    run: node worker.js\n    metrics: { path: /stats }\n',
    expect: {
      line: 5,
      column: 5,
      path: 'services.worker.metrics',
      message: 'metrics are scraped from a port, but the service has no `port`',
      hint: 'add one: `metrics: { port: 9100 }`, or say there are none: `metrics: { enabled: false }`',
    },
  },
  {
    name: 'an SLO on a service without a port',
    text: 'app: shop\nservices:\n  worker:\n    run: node worker.js\n    slo: { latencyP95Ms: 100 }\n',
    expect: {
      line: 5,
      path: 'services.worker.slo',
      message: 'an SLO is measured from the service’s metrics, but the service has no `port` to scrape',
      hint: 'add `metrics: { port: 9100 }` (the port serving /metrics)',
    },
  },
  {
    name: 'no services',
    text: 'app: shop\nservices: {}\n',
    expect: { line: 2, path: 'services', message: 'at least one service is required' },
  },
];

function find(problems: Problem[], path: string): Problem | undefined {
  return problems.find((p) => p.path === path);
}

describe('invalid specs report line, field and message', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = loadSpec(c.text, {
        file: 'gantry.yaml',
        ...(c.env ? { env: c.env } : {}),
        ...(c.target ? { target: c.target } : {}),
      });
      assert.equal(result.ok, false, 'the spec must be rejected');
      const problem = find(result.problems, c.expect.path);
      assert.ok(problem, `no problem at ${c.expect.path}; got ${JSON.stringify(result.problems, null, 2)}`);
      assert.equal(problem.severity, 'error');
      assert.equal(problem.file, 'gantry.yaml');
      assert.equal(problem.message, c.expect.message);
      assert.equal(problem.line, c.expect.line, 'line');
      if (c.expect.column !== undefined) assert.equal(problem.column, c.expect.column, 'column');
      if (c.expect.hint !== undefined) assert.equal(problem.hint, c.expect.hint);
      assert.equal(problem.environment, c.expect.environment);
    });
  }
  it(`has at least 30 cases (${cases.length})`, () => assert.ok(cases.length >= 30));
});

describe('several problems are reported together', () => {
  it('reports schema problems in one service and rule problems in another in one run', () => {
    const text = `app: shop
services:
  api:
    run: node server.js
    port: "8000"
    health:
      readines: { path: /ready }
  web:
    run: node web.js
    port: 8080
    resources: { requests: { cpu: 100m } }
    autoscale: { min: 5, max: 3, cpu: 70 }
    uses: [dbb]
backing:
  db: { kind: postgres }
`;
    const result = loadSpec(text, { file: 'gantry.yaml' });
    assert.deepEqual(
      result.problems.map((p) => `${p.line} ${p.path}`),
      [
        '5 services.api.port',
        '7 services.api.health.readines',
        '12 services.web.autoscale.min',
        '13 services.web.uses[0]',
      ],
    );
  });
});
