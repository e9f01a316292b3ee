import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';

export const EXPOSED_ANNOTATION = 'gantry.dev/exposed';
const EXPOSED_TYPES: readonly string[] = ['NodePort', 'LoadBalancer'];

/**
 * Info, not warning: a LoadBalancer is often exactly the point of the Service. The rule asks
 * that the decision be written down where the next reader sees it, not that it be undone.
 */
export const serviceExposed: Rule = {
  id: 'service-exposed',
  severity: 'info',
  category: 'hygiene',
  title: 'Service exposed outside the cluster without a note',
  why: 'A NodePort opens the port on every node and a LoadBalancer usually on the internet, bypassing the Ingress and its TLS; a one-line reason tells reviewers it is meant.',
  fix: 'metadata:\n  annotations:\n    gantry.dev/exposed: "public MQTT endpoint for devices, TLS terminated by the broker"',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
  aliases: {
    kubeScore: ['service-type'], // NodePort only
    kubeLinter: ['exposed-services'],
  },
  check(object) {
    if (object.kind !== 'Service') return [];
    const type = field(object, 'spec', 'type');
    if (typeof type !== 'string' || !EXPOSED_TYPES.includes(type)) return [];
    const note = field(object, 'metadata', 'annotations', EXPOSED_ANNOTATION);
    if (typeof note === 'string' && note.trim() !== '') return [];
    return [
      {
        path: ['spec', 'type'],
        message: `type ${type} without a ${EXPOSED_ANNOTATION} annotation saying why`,
      },
    ];
  },
};
