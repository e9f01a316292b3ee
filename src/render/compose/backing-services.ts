/**
 * The backing services in docker-compose.yml — postgres, redis and kafka containers pinned to
 * a full release of `backing.version` (images.ts), with a named data volume, a health check and no published port — and the
 * variables an app service gets for each one it `uses`: the names `gantry render` gives the pod
 * (DATABASE_URL / REDIS_URL / <NAME>_URL, <NAME>_USERNAME / <NAME>_PASSWORD), the password only
 * as a reference Compose fills in.
 */
import { connectionVariables, urlVariable } from '../../spec/connection.ts';
import type { AppModel, BackingModel } from '../../spec/model.ts';
import { backingImage } from '../images.ts';
import {
  databaseName,
  dataPaths,
  POSTGRES_DEFAULT_VERSION,
  POSTGRES_PORT,
} from '../kubernetes/backing/postgres.ts';
import { REDIS_DEFAULT_VERSION, REDIS_PORT } from '../kubernetes/backing/redis.ts';
import type { RenderContext } from '../kubernetes/types.ts';
import { required } from './interpolation.ts';

/** The Apache Kafka project's image (KRaft, no ZooKeeper), pinned. */
export const KAFKA_DEFAULT_VERSION = '3.9.0';
export const KAFKA_PORT = 9092;

type Json = Record<string, unknown>;

/** How a service reaches a backing container: the names `gantry render` gives the pod. */
export function backingEnv(model: AppModel, backing: BackingModel): Record<string, string> {
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

export function backingService(model: AppModel, backing: BackingModel): Json {
  const common = { restart: 'unless-stopped' };
  const volume = dataVolume(backing);
  if (backing.kind === 'postgres') {
    const version = backing.version ?? POSTGRES_DEFAULT_VERSION;
    const { user, password, database } = postgresCredentials(model, backing);
    const paths = dataPaths(version);
    return {
      image: backingImage('postgres', version),
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
      image: backingImage('redis', backing.version ?? REDIS_DEFAULT_VERSION),
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

export function dataVolume(backing: BackingModel): string {
  return `${backing.name}-data`;
}
