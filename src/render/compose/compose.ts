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
import { connectionVariables, urlVariable } from '../../platform/connection.ts';
import type { AppModel, BackingModel, ServiceModel } from '../../spec/model.ts';
import { healthCheck } from '../dockerfile/healthcheck.ts';
import { generatedBanner } from '../generated.ts';
import {
  databaseName,
  dataPaths,
  POSTGRES_DEFAULT_VERSION,
  POSTGRES_PORT,
} from '../kubernetes/backing/postgres.ts';
import { REDIS_DEFAULT_VERSION, REDIS_PORT } from '../kubernetes/backing/redis.ts';
import { RUN_AS_ID } from '../kubernetes/pod-template.ts';
import type { RenderContext } from '../kubernetes/types.ts';
import { toYaml } from '../serialize.ts';

export const COMPOSE_FILE = 'docker-compose.yml';
/** The Apache Kafka project's image (KRaft, no ZooKeeper), pinned. */
export const KAFKA_DEFAULT_VERSION = '3.9.0';
const KAFKA_PORT = 9092;

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
 * secrets by reference. The spec's env wins over an injected name (as in `gantry render`); a
 * secret that a used backing service provides (DATABASE_URL with `uses: [db]`) takes the
 * container's URL, as `gantry up` fills it from the local database.
 */
function environment(model: AppModel, service: ServiceModel): Json {
  const env: Record<string, string> = {};
  const set = (name: string, value: string) => {
    if (!(name in service.env) && !(name in env)) env[name] = value;
  };
  if (service.port !== undefined) set('PORT', String(service.port));
  set('HOST', '0.0.0.0');
  for (const key of Object.keys(service.env).sort()) env[key] = literal(service.env[key]!);
  for (const used of service.uses) {
    const other = model.services[used];
    if (other?.port !== undefined) set(urlVariable(used), `http://${used}:${other.port}`);
    const backing = model.backing[used];
    if (backing) for (const [name, value] of Object.entries(backingEnv(model, backing))) set(name, value);
  }
  for (const secret of service.secrets) set(secret, required(secret));
  return env;
}

/** How a service reaches a backing container: the names `gantry render` gives the pod. */
function backingEnv(model: AppModel, backing: BackingModel): Record<string, string> {
  if (backing.kind === 'kafka') return {};
  const names = connectionVariables(backing.kind, backing.name);
  if (backing.kind === 'redis')
    return Object.fromEntries(names.map((name) => [name, `redis://${backing.name}:${REDIS_PORT}`]));
  const { user, password, database } = postgresCredentials(model, backing);
  const url = `postgres://${user}:${required(password)}@${backing.name}:${POSTGRES_PORT}/${database}`;
  const prefix = urlVariable(backing.name).replace(/_URL$/, '');
  return {
    [`${prefix}_USERNAME`]: user,
    [`${prefix}_PASSWORD`]: required(password),
    ...Object.fromEntries(names.map((name) => [name, url])),
  };
}

/** The database and its owner are named like the app (as in the cluster); the password is the user's. */
function postgresCredentials(model: AppModel, backing: BackingModel) {
  const database = databaseName({ model } as RenderContext);
  return { user: database, database, password: `${urlVariable(backing.name).replace(/_URL$/, '')}_PASSWORD` };
}

function backingService(model: AppModel, backing: BackingModel): Json {
  const common = { restart: 'unless-stopped' };
  const volume = dataVolume(backing);
  if (backing.kind === 'postgres') {
    const version = backing.version ?? POSTGRES_DEFAULT_VERSION;
    const { user, password, database } = postgresCredentials(model, backing);
    const paths = dataPaths(version);
    return {
      image: `postgres:${version}`,
      environment: {
        POSTGRES_USER: user,
        POSTGRES_PASSWORD: required(password),
        POSTGRES_DB: database,
        PGDATA: paths.pgdata,
      },
      volumes: [`${volume}:${paths.mountPath}`],
      healthcheck: backingHealth(['pg_isready', '-U', user, '-d', database]),
      ...common,
    };
  }
  if (backing.kind === 'redis')
    return {
      image: `redis:${backing.version ?? REDIS_DEFAULT_VERSION}`,
      command: ['redis-server', '--appendonly', 'yes'],
      volumes: [`${volume}:/data`],
      healthcheck: backingHealth(['redis-cli', 'ping']),
      ...common,
    };
  // One KRaft node that is its own controller, advertised under its Compose service name.
  return {
    image: `apache/kafka:${backing.version ?? KAFKA_DEFAULT_VERSION}`,
    environment: {
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://:${KAFKA_PORT},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${backing.name}:${KAFKA_PORT}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_LOG_DIRS: '/var/lib/kafka/data',
    },
    volumes: [`${volume}:/var/lib/kafka/data`],
    healthcheck: backingHealth([
      '/opt/kafka/bin/kafka-broker-api-versions.sh',
      '--bootstrap-server',
      `localhost:${KAFKA_PORT}`,
    ]),
    ...common,
  };
}

/** Checks every 5 s; a fresh database gets 30 s to initialise before failures count. */
function backingHealth(command: string[]): Json {
  return { test: ['CMD', ...command], interval: '5s', timeout: '5s', retries: 5, start_period: '30s' };
}

function dataVolume(backing: BackingModel): string {
  return `${backing.name}-data`;
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

/** `${NAME:?set NAME}`: Compose takes the value from the shell or .env and refuses to start without it. */
function required(name: string): string {
  return `\${${name}:?set ${name}}`;
}

/** A value written as is: `$` doubled so Compose does not read it as a variable. */
function literal(value: string): string {
  return value.replaceAll('$', '$$$$');
}
