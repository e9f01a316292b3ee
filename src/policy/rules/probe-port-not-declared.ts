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
 * A probe on a port number the container does not list in `ports`. Info, not warning: `ports`
 * is informational (kube-score's container-ports-check says as much: not listing a port does not
 * stop the container from listening on it), so the probe usually works — an admin port left
 * undeclared. It is worth a look because a probe on the wrong number fails exactly like a dead
 * app, and naming the port (`port: http`) makes the two agree by construction.
 */
export const probePortNotDeclared: Rule = {
  id: 'probe-port-not-declared',
  severity: 'info',
  category: 'reliability',
  title: 'Probe port not declared in the container ports',
  why: 'A probe on a port the container does not declare is either an undocumented port or a typo; a typo fails the probe like a dead app would. Declaring the port and probing it by name keeps the two in step.',
  fix: 'ports:\n  - name: http\n    containerPort: 8080\nlivenessProbe:\n  httpGet: { path: /healthz, port: http }',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port',
  aliases: {
    kubeLinter: ['liveness-port', 'readiness-port', 'startup-port'],
  },
  check(object) {
    return probedContainers(object).flatMap(({ container, name, path }) => {
      const ports = declaredPorts(container);
      const violations: Violation[] = [];
      for (const probe of PROBES) {
        const handler = handlerOf(container[probe]);
        const port = handler && handlerPort(handler);
        if (typeof port !== 'number' || ports.some((p) => p.containerPort === port)) continue;
        const declared = formatPorts(ports);
        violations.push({
          container: name,
          path: [...path, probe, handler!.kind, 'port'],
          aliases: { kubeLinter: [PORT_CHECKS[probe]] },
          message: `${probe} ${handler!.kind} port ${port} is not in the container's ports (${declared ? `ports: ${declared}` : 'it declares none'})`,
        });
      }
      return violations;
    });
  },
};
