/**
 * What each way of running the app needs from a service: the local platform runs `run`,
 * a cluster runs `image`. Commands name their target so the error can say which command
 * needs which field.
 */
import type { Finding } from './problem.ts';
import type { ServiceSpec } from './schema.ts';

export type Target = 'local' | 'cluster';

export function checkTarget(services: Record<string, ServiceSpec>, target: Target): Finding[] {
  return Object.entries(services).flatMap(([name, service]): Finding[] => {
    if (target === 'local' && !service.run)
      return [
        {
          path: ['services', name, 'run'],
          message: `service \`${name}\` has no \`run\` command, which \`gantry up\` needs to start it locally`,
          hint: 'e.g. run: node server.js (PORT is set for each replica)',
        },
      ];
    if (target === 'cluster' && !service.image)
      return [
        {
          path: ['services', name, 'image'],
          message: `service \`${name}\` has no \`image\`, which \`gantry render\` and \`gantry apply\` need for the cluster`,
          hint: 'e.g. image: ghcr.io/acme/api:1.0.0',
        },
      ];
    return [];
  });
}
