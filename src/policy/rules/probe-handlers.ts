/**
 * What the probe rules share: which containers can have probes, the handler of a probe, the port
 * it targets and how to name it in a message. Defensive: any field may hold the wrong type.
 */
import type { KubeObject } from '../input.ts';
import { type ContainerEntry, field, isJson, type Json, workloadContainers } from '../workload.ts';

export const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
export type ProbeName = (typeof PROBES)[number];

/** kube-linter's check for each probe's port. */
export const PORT_CHECKS: Readonly<Record<ProbeName, string>> = {
  livenessProbe: 'liveness-port',
  readinessProbe: 'readiness-port',
  startupProbe: 'startup-port',
};

export type HandlerKind = 'httpGet' | 'tcpSocket' | 'grpc' | 'exec';
const HANDLERS: readonly HandlerKind[] = ['httpGet', 'tcpSocket', 'grpc', 'exec'];

/**
 * Containers that run probes: the regular ones, and init containers with `restartPolicy: Always`
 * (native sidecars, which may have probes since Kubernetes 1.29).
 */
export function probedContainers(object: KubeObject): ContainerEntry[] {
  const workload = workloadContainers(object);
  if (!workload) return [];
  return workload.containers.filter((c) => !c.init || c.container.restartPolicy === 'Always');
}

/** The probe's handler (the first one set, as the API allows only one), or undefined. */
export function handlerOf(probe: unknown): { kind: HandlerKind; spec: Json } | undefined {
  if (!isJson(probe)) return undefined;
  for (const kind of HANDLERS) {
    const spec = probe[kind];
    if (isJson(spec)) return { kind, spec };
  }
  return undefined;
}

/** The port a network handler targets (number or name), or undefined for exec and malformed ports. */
export function handlerPort(handler: { kind: HandlerKind; spec: Json }): number | string | undefined {
  if (handler.kind === 'exec') return undefined;
  const port = handler.spec.port;
  return typeof port === 'number' || typeof port === 'string' ? port : undefined;
}

export interface DeclaredPort {
  name?: string;
  containerPort?: number;
}

/** The container's `ports`, keeping only well-typed names and numbers. */
export function declaredPorts(container: Json): DeclaredPort[] {
  const ports = Array.isArray(container.ports) ? container.ports.filter(isJson) : [];
  return ports.map((port) => ({
    ...(typeof port.name === 'string' ? { name: port.name } : {}),
    ...(typeof port.containerPort === 'number' ? { containerPort: port.containerPort } : {}),
  }));
}

/** `http=8080, 9090`: the declared ports for a message, or undefined when there are none. */
export function formatPorts(ports: readonly DeclaredPort[]): string | undefined {
  const shown = ports
    .filter((p) => p.containerPort !== undefined || p.name !== undefined)
    .map((p) => (p.name ? `${p.name}=${p.containerPort ?? '?'}` : String(p.containerPort)));
  return shown.length > 0 ? shown.join(', ') : undefined;
}

/** `httpGet /healthz port http`, `tcpSocket port 5432`, `exec pg_isready -U app`, `grpc port 9090`. */
export function describeHandler(handler: { kind: HandlerKind; spec: Json }): string {
  if (handler.kind === 'exec') {
    const command = field(handler.spec, 'command');
    const words = Array.isArray(command) ? command.map(String).join(' ') : '';
    return `exec ${words.length > 60 ? `${words.slice(0, 57)}...` : words}`.trimEnd();
  }
  const port = handlerPort(handler) ?? '?';
  if (handler.kind === 'httpGet') {
    const path = typeof handler.spec.path === 'string' && handler.spec.path !== '' ? handler.spec.path : '/';
    return `httpGet ${path} port ${port}`;
  }
  return `${handler.kind} port ${port}`;
}
