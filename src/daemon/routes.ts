/**
 * The daemon's HTTP API: which route asks what of the daemon. Every answer comes from the host
 * (the daemon); this file only reads requests — their parameters, bodies and credential — and
 * refuses malformed ones with a 400 naming the field.
 */

import type { AutoscaleStatus } from '../autoscale/status.ts';
import type { ServiceController } from '../local/service-controller.ts';
import type { EventRecord } from '../local/store.ts';
import type { ReleaseManager } from '../rollout/manager.ts';
import { type Api, HttpError, queryInt } from './api.ts';
import type { Credential } from './dashboard/access.ts';
import { prometheusTargets } from './prometheus-targets.ts';
import { answer, type DeployRequest, describeRelease, newRelease } from './releases.ts';
import type { DaemonStatus } from './status.ts';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** What the routes ask of the daemon. */
export interface RouteHost {
  app: string;
  status(): DaemonStatus;
  controllers(): Iterable<ServiceController>;
  /** The service's controller; a 404 naming the services there are when there is none. */
  controller(service: string): ServiceController;
  /** The release manager, once the service is known to exist. */
  release(service: string): ReleaseManager;
  autoscale(service: string): AutoscaleStatus | undefined;
  events(query: { service?: string; limit: number }): EventRecord[];
  /** The load balancers' counters in the Prometheus text format. */
  prometheus(): Promise<string>;
  shutdown(): void;
}

export function daemonRoutes(api: Api, host: RouteHost): Api {
  return api
    .get('/v1/health', () => ({ ok: true, pid: process.pid }))
    .get('/v1/status', () => host.status())
    .get('/v1/prometheus/targets', () =>
      prometheusTargets(
        host.app,
        [...host.controllers()].map((c) => ({ name: c.name, replicas: c.views() })),
      ),
    )
    .get('/v1/events', ({ query }) => {
      const service = query.get('service');
      return host.events({
        ...(service ? { service } : {}),
        limit: queryInt(query, 'limit', { min: 1, max: 10_000, fallback: 100 }),
      });
    })
    .post('/v1/services/:service/scale', ({ params, body }) => {
      const { replicas, version } = (body ?? {}) as { replicas?: unknown; version?: unknown };
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > 100)
        throw new HttpError(400, 'replicas must be a whole number from 0 to 100', 'replicas');
      host.controller(params.service!).scale(replicas, typeof version === 'string' ? version : undefined);
      // Like a Kubernetes HPA, the autoscaler overrides a manual count at its next sync: say so.
      const autoscale = host.autoscale(params.service!);
      return { ok: true, ...(autoscale ? { autoscale } : {}) };
    })
    .post('/v1/services/:service/restart', ({ params }) => {
      host.controller(params.service!).restart();
      return { ok: true };
    })
    .post('/v1/services/:service/releases', ({ params, body, credential }) =>
      answer(
        host.release(params.service!).deploy(params.service!, newRelease(parseDeploy(body, credential))),
      ),
    )
    .get('/v1/services/:service/rollout', async ({ params }) => ({
      release: await describeRelease(host.release(params.service!), params.service!),
      versions: host.controller(params.service!).versionStates(),
    }))
    .get('/v1/services/:service/history', ({ params }) =>
      host.release(params.service!).history(params.service!),
    )
    .post('/v1/services/:service/promote', ({ params, body }) =>
      answer(
        host
          .release(params.service!)
          .request(params.service!, (body as { full?: boolean })?.full ? 'promote-full' : 'promote'),
      ),
    )
    .post('/v1/services/:service/abort', ({ params }) =>
      answer(host.release(params.service!).request(params.service!, 'abort')),
    )
    .post('/v1/services/:service/rollback', ({ params, body }) => {
      const revision = (body as { toRevision?: unknown })?.toRevision;
      if (revision !== undefined && !Number.isInteger(revision))
        throw new HttpError(400, 'toRevision must be a whole number', 'toRevision');
      return answer(
        host.release(params.service!).rollbackTo(params.service!, revision as number | undefined),
      );
    })
    .post('/v1/shutdown', () => {
      setImmediate(() => host.shutdown());
      return { ok: true, stopping: true };
    })
    .text('/metrics', async () => {
      try {
        return { contentType: PROMETHEUS_TEXT, body: await host.prometheus() };
      } catch (error) {
        throw new HttpError(
          503,
          `the load balancers' metrics are not available: ${(error as Error).message}`,
        );
      }
    });
}

function parseDeploy(body: unknown, credential: Credential): DeployRequest {
  const input = (body ?? {}) as Record<string, unknown>;
  if (typeof input.version !== 'string') throw new HttpError(400, 'version is required', 'version');
  // What runs on this machine (a command, an image, variables such as NODE_OPTIONS) only from
  // the API token's holder: a dashboard session may release a version of the spec's command.
  const executes = ['run', 'image', 'env'].filter((key) =>
    key === 'env' ? Object.keys(Object(input.env ?? {})).length > 0 : input[key] !== undefined,
  );
  if (executes.length > 0 && credential !== 'token')
    throw new HttpError(
      403,
      `${executes.join(', ')} ${executes.length > 1 ? 'change' : 'changes'} what runs on this machine: only the API token (gantry deploy) may set ${executes.length > 1 ? 'them' : 'it'}, not a dashboard session`,
      executes[0],
    );
  const env = input.env ?? {};
  if (typeof env !== 'object' || env === null || Object.values(env).some((v) => typeof v !== 'string'))
    throw new HttpError(400, 'env must map names to strings', 'env');
  const strategies = ['rolling', 'blue-green', 'canary'];
  if (input.strategy !== undefined && !strategies.includes(String(input.strategy)))
    throw new HttpError(400, `strategy must be one of ${strategies.join(', ')}`, 'strategy');
  return {
    version: input.version,
    ...(typeof input.run === 'string' ? { run: input.run } : {}),
    ...(typeof input.image === 'string' ? { image: input.image } : {}),
    env: env as Record<string, string>,
    ...(input.strategy ? { strategy: input.strategy as DeployRequest['strategy'] } : {}),
  };
}
