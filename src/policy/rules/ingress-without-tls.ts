import type { Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';

/**
 * Hosts of `spec.rules` that no `spec.tls` entry covers. A tls entry without `hosts` covers every
 * host (the controller's default certificate); `*.example.com` covers one label: `shop.example.com`.
 */
export const ingressWithoutTls: Rule = {
  id: 'ingress-without-tls',
  severity: 'warning',
  category: 'hygiene',
  title: 'Ingress without TLS',
  why: 'Without TLS the Ingress serves plain HTTP: passwords, cookies and tokens cross the internet readable and changeable by anyone on the path.',
  fix: 'spec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-example-com-tls   # e.g. issued by cert-manager',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
  aliases: {
    polaris: ['tlsSettingsMissing'],
  },
  check(object) {
    if (object.kind !== 'Ingress') return [];
    const tls = field(object, 'spec', 'tls');
    const entries = (Array.isArray(tls) ? tls : []).filter(isJson);
    if (entries.length === 0)
      return [{ path: ['spec', 'tls'], message: 'no spec.tls: served over plain HTTP only' }];
    const tlsHosts = entries.map((entry) => entry.hosts);
    if (tlsHosts.some((hosts) => !Array.isArray(hosts) || hosts.length === 0)) return [];
    const covered = tlsHosts.flat().filter((h): h is string => typeof h === 'string');
    const rules = field(object, 'spec', 'rules');
    const hosts = (Array.isArray(rules) ? rules : [])
      .map((rule) => field(rule, 'host'))
      .filter((h): h is string => typeof h === 'string' && h !== '');
    const uncovered = [...new Set(hosts)].filter((host) => !covered.some((c) => covers(c, host)));
    if (uncovered.length === 0) return [];
    return [
      {
        path: ['spec', 'tls'],
        message: `${uncovered.length === 1 ? 'host' : 'hosts'} ${uncovered.join(', ')} not covered by spec.tls`,
      },
    ];
  },
};

function covers(tlsHost: string, host: string): boolean {
  const a = tlsHost.toLowerCase();
  const b = host.toLowerCase();
  if (a === b) return true;
  if (!a.startsWith('*.') || b.startsWith('*.')) return false;
  const dot = b.indexOf('.');
  return dot > 0 && b.slice(dot) === a.slice(1);
}
