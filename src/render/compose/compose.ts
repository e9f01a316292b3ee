/**
 * `gantry render --format compose`: a docker-compose.yml to run the app on a machine with
 * Docker, made from the same model as the Kubernetes manifests and kept consistent with them:
 * the same images, user (RUN_AS_ID), read-only root with a writable /tmp, no capabilities,
 * PORT/HOST, environment variable names (`<NAME>_URL`, DATABASE_URL, REDIS_URL, DB_USERNAME /
 * DB_PASSWORD) and health checks from the readiness probes.
 *
 * Secure by default: ports are published on 127.0.0.1 only; backing services are not published
 * at all; secret values are never written — each is a `${NAME:?set NAME}` reference that
 * Compose fills from the shell or a .env file and refuses to start without.
 *
 * Pure: AppModel in, the YAML text out (serialised once, at the end), deterministic.
 */
import { urlVariable } from '../../spec/connection.ts';
import type { AppModel, ServiceModel } from '../../spec/model.ts';
import { healthCheck } from '../dockerfile/healthcheck.ts';
import { generatedBanner } from '../generated.ts';
import { RUN_AS_ID } from '../kubernetes/pod-template.ts';
import { toYaml } from '../serialize.ts';
import { backingEnv, backingService, dataVolume, KAFKA_PORT } from './backing-services.ts';
import { literal, required } from './interpolation.ts';

export const COMPOSE_FILE = 'docker-compose.yml';

type Json = Record<string, unknown>;

export interface ComposeResult {
  files: Map<string, string>;
  /** What the file cannot say the way the spec does (replicas, kafka variables). */
  notes: string[];
}

export function renderCompose(model: AppModel, options: { specName: string }): ComposeResult {
  const notes: string[] = [];
  const services: Json = {};
  for (const service of Object.values(model.services)) {
    services[service.name] = appService(model, service);
    if (service.replicas > 1)
      notes.push(
        `${service.name}: the spec asks for ${service.replicas} replicas; Compose runs one (its host port is fixed) — \`gantry up\` runs replicas behind a load balancer`,
      );
  }
  const volumes: Json = {};
  for (const backing of Object.values(model.backing)) {
    services[backing.name] = backingService(model, backing);
    volumes[dataVolume(backing)] = {};
    if (backing.kind === 'kafka')
      notes.push(
        `${backing.name}: kafka is reachable at ${backing.name}:${KAFKA_PORT} in the Compose network; no variable is injected for it (as on clusters)`,
      );
  }
  const env = model.environment ? ` --env ${model.environment.name}` : '';
  const banner = generatedBanner('#', `gantry render --format compose -f ${options.specName}${env} -o .`);
  const usage =
    '# Run: docker compose up -d (secrets come from the shell or a .env file beside this file;\n' +
    '# Compose stops with "set NAME" when one is missing).\n';
  const document = { services, ...(Object.keys(volumes).length > 0 ? { volumes } : {}) };
  // YAML 1.1 quoting, as for the manifests: `yes`, `10001:10001` (base 60 in 1.1) stay strings.
  return { files: new Map([[COMPOSE_FILE, `${banner}${usage}\n${toYaml(document)}`]]), notes };
}

function appService(model: AppModel, service: ServiceModel): Json {
  const check = healthCheck(service);
  const ports = [
    ...(service.port === undefined ? [] : [service.port]),
    ...(service.ports ?? []).map((p) => p.port),
  ];
  const limits = resourceLimits(service);
  const dependsOn = Object.fromEntries(
    service.uses
      .filter((name) => model.backing[name] || model.services[name])
      .map((name) => [name, { condition: model.backing[name] ? 'service_healthy' : 'service_started' }]),
  );
  return {
    image: service.image,
    // As the pod runs: the same non-root user, read-only root, a writable /tmp, no capabilities.
    user: `${RUN_AS_ID}:${RUN_AS_ID}`,
    read_only: true,
    tmpfs: ['/tmp'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    ...(ports.length > 0 ? { ports: ports.map((port) => `127.0.0.1:${port}:${port}`) } : {}),
    environment: environment(model, service),
    ...(check
      ? {
          healthcheck: {
            test: ['CMD', ...check.command.map(literal)],
            interval: `${check.intervalSeconds}s`,
            timeout: `${check.timeoutSeconds}s`,
            retries: check.retries,
            start_period: `${check.startPeriodSeconds}s`,
          },
        }
      : {}),
    ...(Object.keys(dependsOn).length > 0 ? { depends_on: dependsOn } : {}),
    restart: 'unless-stopped',
    // Kubernetes counts the grace period from preStop; Compose from SIGTERM: give both.
    stop_grace_period: `${service.shutdown.preStopSeconds + service.shutdown.gracePeriodSeconds}s`,
    ...(limits ? { deploy: { resources: { limits } } } : {}),
  };
}

/**
 * PORT and HOST as the pod gets them, the spec's env, then what each `uses` provides, then
 * secrets by reference. The spec's env and secrets win over an injected name (as in `gantry
 * render`): a DATABASE_URL the spec declares as a secret stays `${DATABASE_URL:?…}`.
 */
function environment(model: AppModel, service: ServiceModel): Json {
  const env: Record<string, string> = {};
  const set = (name: string, value: string) => {
    if (!(name in service.env) && !(name in env)) env[name] = value;
  };
  if (service.port !== undefined) set('PORT', String(service.port));
  set('HOST', '0.0.0.0');
  for (const key of Object.keys(service.env).sort()) env[key] = literal(service.env[key]!);
  // A secret the spec declares stays a secret (as in `gantry render`), even when a used backing
  // service would provide a variable of that name: the spec's DATABASE_URL is the user's to set.
  for (const secret of service.secrets) set(secret, required(secret));
  for (const used of service.uses) {
    const other = model.services[used];
    if (other?.port !== undefined) set(urlVariable(used), `http://${used}:${other.port}`);
    const backing = model.backing[used];
    if (backing) for (const [name, value] of Object.entries(backingEnv(model, backing))) set(name, value);
  }
  return env;
}

function resourceLimits(service: ServiceModel): Json | undefined {
  const limits = service.resources.limits;
  if (!limits || (limits.cpu === undefined && limits.memory === undefined)) return undefined;
  return {
    ...(limits.cpu !== undefined ? { cpus: String(limits.cpu / 1000) } : {}),
    ...(limits.memory !== undefined ? { memory: composeBytes(limits.memory) } : {}),
  };
}

/** Compose's byte values: whole mebibytes as `512m`, else bytes (`b`). */
function composeBytes(bytes: number): string {
  const mebibyte = 2 ** 20;
  return bytes % mebibyte === 0 ? `${bytes / mebibyte}m` : `${bytes}b`;
}
