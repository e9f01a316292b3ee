import type { Rule, Violation } from '../rule.ts';
import {
  declaredPorts,
  formatPorts,
  handlerOf,
  handlerPort,
  PORT_CHECKS,
  PROBES,
  probedContainers,
} from './probe-handlers.ts';

/**
 * A probe whose port is a name the container does not declare: the kubelet cannot resolve it and
 * the probe fails every time (liveness: endless restarts; readiness: never ready; startup: both).
 * A quoted number (`port: "8080"`) is a name to the API server, which refuses it.
 */
export const probePortNotExposed: Rule = {
  id: 'probe-port-not-exposed',
  severity: 'error',
  category: 'reliability',
  title: 'Probe targets a named port the container does not have',
  why: "The kubelet resolves a named probe port against the same container's ports; when the name is missing the probe can never succeed, so the pod is restarted forever (liveness) or never gets traffic (readiness).",
  fix: 'ports:\n  - name: http\n    containerPort: 8080\nreadinessProbe:\n  httpGet: { path: /ready, port: http }',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port',
  aliases: {
    kubeLinter: ['liveness-port', 'readiness-port', 'startup-port'], // also flag numeric ports (probe-port-not-declared)
  },
  check(object) {
    return probedContainers(object).flatMap(({ container, name, path }) => {
      const ports = declaredPorts(container);
      const violations: Violation[] = [];
      for (const probe of PROBES) {
        const handler = handlerOf(container[probe]);
        const port = handler && handlerPort(handler);
        if (typeof port !== 'string') continue;
        if (/^\d+$/.test(port)) {
          violations.push({
            container: name,
            path: [...path, probe, handler!.kind, 'port'],
            aliases: { kubeLinter: [PORT_CHECKS[probe]] },
            message: `${probe} ${handler!.kind} port "${port}" is quoted, so Kubernetes reads it as a port name; write ${port} without quotes`,
          });
          continue;
        }
        if (ports.some((p) => p.name === port)) continue;
        const declared = formatPorts(ports);
        violations.push({
          container: name,
          path: [...path, probe, handler!.kind, 'port'],
          aliases: { kubeLinter: [PORT_CHECKS[probe]] },
          message: `${probe} ${handler!.kind} port ${port} is not a port name of this container (${declared ? `ports: ${declared}` : 'it declares no ports'})`,
        });
      }
      return violations;
    });
  },
};
