/**
 * NetworkPolicies: `<app>-default-deny` denies all ingress and egress for every pod of the
 * app (podSelector on `app.kubernetes.io/part-of`, which backing pods carry too); then per
 * service `<service>` allows
 * - ingress on its ports from the ingress controller's namespace when it has routes, and from
 *   the pods of services that `use` it; with `--monitoring`, on its metrics port from the
 *   namespace Prometheus runs in;
 * - egress to what it `uses` (services by their selector labels and ports; in-cluster backing
 *   services by `app.kubernetes.io/name: <backing>` + `app.kubernetes.io/part-of: <app>` on
 *   the kind's port; managed ones, outside the cluster, on that port to any address) and to
 *   DNS in kube-system (UDP and TCP 53); a service with `iam` statements also reaches the AWS
 *   APIs they are for (and STS, which IRSA exchanges the token with): HTTPS to any address.
 *   Nothing else.
 * An in-cluster backing service that is used gets `<backing>-clients`: ingress on its port
 * from the services that use it (its own replication and operator traffic is the backing
 * renderer's to allow).
 */
import { monitoringTarget } from '../../monitoring/objectives.ts';
import type { BackingModel, ServiceModel } from '../../spec/model.ts';
import { withAcceptedFindings } from './accepted-findings.ts';
import { appLabels, podSelector, serviceMetadata } from './names.ts';
import { servicePorts } from './service.ts';
import type { K8sObject, RenderContext } from './types.ts';

/** The port each backing kind listens on (the backing renderer's Services use the same). */
export const BACKING_PORTS: Record<BackingModel['kind'], number> = {
  postgres: 5432,
  redis: 6379,
  kafka: 9092,
};

/** The labels a backing service's pods carry, agreed with the backing renderer. */
export function backingPodSelector(ctx: RenderContext, backing: string): Record<string, string> {
  return { 'app.kubernetes.io/name': backing, 'app.kubernetes.io/part-of': ctx.model.app };
}

const DNS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/** AWS API endpoints have no fixed addresses: HTTPS anywhere. */
const AWS_APIS = { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] };

/** Per render, the services that use each service or backing service, by its name. */
const usersByName = new WeakMap<RenderContext, Map<string, ServiceModel[]>>();

/**
 * The services that use `name`, in the model's order. Indexed once per render: scanning every
 * service for each service's policy was quadratic (500 services, 250,000 checks).
 */
function usersOf(ctx: RenderContext, name: string): ServiceModel[] {
  let users = usersByName.get(ctx);
  if (!users) {
    users = new Map();
    for (const service of Object.values(ctx.model.services))
      for (const used of new Set(service.uses)) {
        const list = users.get(used);
        if (list) list.push(service);
        else users.set(used, [service]);
      }
    usersByName.set(ctx, users);
  }
  return users.get(name) ?? [];
}

export function renderDefaultDeny(ctx: RenderContext): K8sObject[] {
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${ctx.model.app}-default-deny`, namespace: ctx.namespace, labels: appLabels(ctx) },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/part-of': ctx.model.app } },
        policyTypes: ['Ingress', 'Egress'],
      },
    },
  ];
}

export function renderNetworkPolicy(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const ports = tcp(servicePorts(service).map((p) => p.port));
  const callers = usersOf(ctx, service.name);
  const ingress: Record<string, unknown>[] =
    ports.length === 0
      ? []
      : [
          ...(service.routes.length > 0
            ? [
                {
                  from: [
                    {
                      namespaceSelector: {
                        matchLabels: { 'kubernetes.io/metadata.name': ctx.model.ingress.controllerNamespace },
                      },
                    },
                  ],
                  ports,
                },
              ]
            : []),
          ...(callers.length > 0
            ? [
                {
                  from: callers.map((caller) => ({ podSelector: { matchLabels: podSelector(ctx, caller) } })),
                  ports,
                },
              ]
            : []),
        ];
  const scrape = prometheusIngress(ctx, service);
  if (scrape) ingress.push(scrape);
  const egress = [
    ...service.uses.flatMap((used) => egressTo(ctx, used)),
    ...(service.iam && service.iam.length > 0 ? [AWS_APIS] : []),
    DNS,
  ];
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: serviceMetadata(ctx, service, service.name),
      spec: {
        podSelector: { matchLabels: podSelector(ctx, service) },
        policyTypes: ['Ingress', 'Egress'],
        ...(ingress.length > 0 ? { ingress } : {}),
        egress,
      },
    },
  ];
}

/** `<backing>-clients` for every in-cluster backing service some service uses. */
export function renderBackingClientPolicies(ctx: RenderContext): K8sObject[] {
  return Object.values(ctx.model.backing)
    .filter((backing) => backing.mode === 'in-cluster')
    .flatMap((backing) => {
      const clients = usersOf(ctx, backing.name);
      if (clients.length === 0) return [];
      const policy: K8sObject = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: {
          name: `${backing.name}-clients`,
          namespace: ctx.namespace,
          labels: {
            ...appLabels(ctx),
            'app.kubernetes.io/name': backing.name,
            'app.kubernetes.io/instance': `${ctx.model.app}-${backing.name}`,
            'app.kubernetes.io/component': backing.name,
          },
        },
        spec: {
          podSelector: { matchLabels: backingPodSelector(ctx, backing.name) },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: clients.map((client) => ({ podSelector: { matchLabels: podSelector(ctx, client) } })),
              ports: tcp([BACKING_PORTS[backing.kind]]),
            },
          ],
        },
      };
      // Kafka's pods come from the operator the render's note names, not from this render.
      return [
        backing.kind === 'kafka'
          ? withAcceptedFindings(policy, {
              'dangling-network-policy': 'the Kafka pods come from the Strimzi operator',
            })
          : policy,
      ];
    });
}

/** With --monitoring: Prometheus in its namespace scrapes the metrics port. */
function prometheusIngress(ctx: RenderContext, service: ServiceModel): Record<string, unknown> | undefined {
  const target = monitoringTarget(service).monitored;
  if (!ctx.options.monitoring || !target) return undefined;
  return {
    from: [
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': ctx.options.monitoring.namespace },
        },
      },
    ],
    ports: tcp([target.scrape.port]),
  };
}

function egressTo(ctx: RenderContext, used: string): Record<string, unknown>[] {
  const service = ctx.model.services[used];
  if (service) {
    const ports = tcp(servicePorts(service).map((p) => p.port));
    return ports.length === 0
      ? []
      : [{ to: [{ podSelector: { matchLabels: podSelector(ctx, service) } }], ports }];
  }
  const backing = ctx.model.backing[used];
  if (!backing) return [];
  const ports = tcp([BACKING_PORTS[backing.kind]]);
  if (backing.mode === 'managed') return [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports }];
  return [{ to: [{ podSelector: { matchLabels: backingPodSelector(ctx, used) } }], ports }];
}

function tcp(ports: number[]): { protocol: 'TCP'; port: number }[] {
  return ports.map((port) => ({ protocol: 'TCP', port }));
}
