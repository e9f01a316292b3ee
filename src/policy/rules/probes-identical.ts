import type { Rule } from '../rule.ts';
import { BATCH_KINDS, isJson, type Json } from '../workload.ts';
import { declaredPorts, describeHandler, handlerOf, probedContainers } from './probe-handlers.ts';

/** The timings that decide when a probe gives up, with the kubelet's defaults. */
const TIMINGS = { periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 } as const;

/**
 * readinessProbe identical to livenessProbe: the same handler (a named port counts as the number
 * it names; httpGet path "" is "/", scheme HTTP by default) and the same period, timeout and
 * failure threshold. initialDelaySeconds and successThreshold do not change which probe gives up
 * first, so they do not count. Same handler with a more patient liveness probe is the pattern
 * the docs recommend, and passes.
 */
export const probesIdentical: Rule = {
  id: 'probes-identical',
  severity: 'warning',
  category: 'reliability',
  title: 'Readiness probe identical to liveness probe',
  why: 'When both probes check the same thing on the same schedule, a slow dependency fails them together and the kubelet restarts pods that only needed to leave rotation for a moment, turning a slowdown into an outage.',
  fix: 'readinessProbe:   # can this pod serve now? may check dependencies\n  httpGet: { path: /ready, port: http }\n  periodSeconds: 5\nlivenessProbe:    # is the process stuck? checks only itself\n  httpGet: { path: /healthz, port: http }\n  periodSeconds: 10\n  failureThreshold: 6',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
  aliases: {
    kubeScore: ['pod-probes-identical'],
  },
  check(object) {
    if (BATCH_KINDS.includes(object.kind)) return [];
    return probedContainers(object).flatMap(({ container, name, path }) => {
      const readiness = container.readinessProbe;
      const liveness = container.livenessProbe;
      const handler = handlerOf(readiness);
      const other = handlerOf(liveness);
      if (!handler || !other || !isJson(readiness) || !isJson(liveness)) return [];
      // Cheap tells first: most pairs differ in handler or schedule, and need no canonical form.
      if (handler.kind !== other.kind || !sameTimings(readiness, liveness)) return [];
      const key = (probe: Json) => canonicalProbe(probe, container);
      if (key(readiness) !== key(liveness)) return [];
      const t = timings(readiness);
      return [
        {
          container: name,
          path: [...path, 'readinessProbe'],
          message: `readinessProbe is identical to livenessProbe (${describeHandler(handler)}, every ${t.periodSeconds}s, ${t.failureThreshold} failures)`,
        },
      ];
    });
  },
};

function sameTimings(a: Json, b: Json): boolean {
  const ta = timings(a);
  const tb = timings(b);
  return (
    ta.periodSeconds === tb.periodSeconds &&
    ta.timeoutSeconds === tb.timeoutSeconds &&
    ta.failureThreshold === tb.failureThreshold
  );
}

function timings(probe: Json): Record<keyof typeof TIMINGS, unknown> {
  return {
    periodSeconds: probe.periodSeconds ?? TIMINGS.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds ?? TIMINGS.timeoutSeconds,
    failureThreshold: probe.failureThreshold ?? TIMINGS.failureThreshold,
  };
}

/** A string equal for two probes exactly when they check the same thing on the same schedule. */
function canonicalProbe(probe: Json, container: Json): string {
  const handler = handlerOf(probe);
  if (!handler) return '';
  const { spec } = handler;
  const named = new Map(declaredPorts(container).map((p) => [p.name, p.containerPort]));
  const port =
    typeof spec.port === 'string' && named.get(spec.port) !== undefined ? named.get(spec.port) : spec.port;
  const normalised: Record<HandlerKey, unknown> = {
    httpGet: {
      path: typeof spec.path === 'string' && spec.path !== '' ? spec.path : '/',
      port,
      host: spec.host ?? '',
      scheme: typeof spec.scheme === 'string' ? spec.scheme.toUpperCase() : 'HTTP',
      httpHeaders: spec.httpHeaders ?? [],
    },
    tcpSocket: { port, host: spec.host ?? '' },
    grpc: { port, service: spec.service ?? '' },
    exec: { command: spec.command ?? [] },
  };
  return stableStringify([handler.kind, normalised[handler.kind], timings(probe)]);
}

type HandlerKey = 'httpGet' | 'tcpSocket' | 'grpc' | 'exec';

/** JSON with object keys sorted, so key order in the YAML does not matter. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isJson(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
