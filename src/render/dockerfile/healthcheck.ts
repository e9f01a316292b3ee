/**
 * A container health check made from a spec probe, for a Dockerfile's HEALTHCHECK and a
 * Compose service's `healthcheck`: the same command and timings in both.
 *
 * Slim Node images have no curl or wget, so HTTP and TCP checks are small `node -e` scripts
 * (Node 20's built-in fetch, node:net). Success is what Kubernetes counts as success for an
 * httpGet probe: a status from 200 to 399, redirects not followed. The scripts hold no `$`, so
 * Compose's variable interpolation leaves them alone.
 */
import type { ServiceModel } from '../../spec/model.ts';
import type { ProbeSpec } from '../../spec/schema.ts';

export interface HealthCheck {
  /** The command, exec form: argv[0] is the program. */
  command: string[];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  /** Failures in this time after start do not count (Kubernetes: the startup probe's budget). */
  startPeriodSeconds: number;
  /** Which probe it came from, for the comment above it. */
  from: 'readiness' | 'liveness' | 'port';
}

/**
 * The readiness probe (it says when the container can serve), else liveness, else a TCP
 * check on the service port; undefined when the service has neither probe nor port.
 */
export function healthCheck(service: ServiceModel): HealthCheck | undefined {
  const { readiness, liveness, startup } = service.health;
  const probe = readiness ?? liveness;
  const from = readiness ? 'readiness' : liveness ? 'liveness' : 'port';
  const startPeriodSeconds = startup
    ? startup.initialDelaySeconds + startup.periodSeconds * startup.failureThreshold
    : (probe?.initialDelaySeconds ?? 0);
  if (probe) {
    const command = probeCommand(probe, service.port);
    if (!command) return undefined;
    return {
      command,
      intervalSeconds: probe.periodSeconds,
      timeoutSeconds: probe.timeoutSeconds,
      retries: probe.failureThreshold,
      startPeriodSeconds,
      from,
    };
  }
  if (service.port === undefined) return undefined;
  // Kubernetes' probe defaults: every 10 s, 1 s timeout, 3 failures.
  return {
    command: tcpCommand(service.port),
    intervalSeconds: 10,
    timeoutSeconds: 1,
    retries: 3,
    startPeriodSeconds,
    from,
  };
}

function probeCommand(probe: ProbeSpec, servicePort: number | undefined): string[] | undefined {
  if (probe.exec) return [...probe.exec];
  const port = probe.port ?? servicePort;
  if (port === undefined) return undefined;
  return probe.path ? httpCommand(port, probe.path) : tcpCommand(port);
}

export function httpCommand(port: number, path: string): string[] {
  const url = JSON.stringify(`http://127.0.0.1:${port}${path}`);
  const script =
    `fetch(${url},{redirect:'manual'})` +
    '.then(r=>process.exit(r.status>=200&&r.status<400?0:1),()=>process.exit(1))';
  return ['node', '-e', script];
}

export function tcpCommand(port: number): string[] {
  const script =
    `require('node:net').connect(${port},'127.0.0.1')` +
    ".on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))";
  return ['node', '-e', script];
}
