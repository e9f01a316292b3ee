/**
 * Cross-field rules: what a schema cannot say about one field alone. Each rule is a small
 * named function over the parsed spec (environment already applied) that returns findings
 * with the path of the field to fix. Pure; the loader places findings in the file.
 */
import { resolveFenceposts } from '../rollout/surge.ts';
import { analysisProvider } from './analysis-provider.ts';
import { monitoringSettings } from './monitoring.ts';
import type { Finding } from './problem.ts';
import { ANALYSIS_DEFAULTS, type ServiceSpec, type Tier } from './schema.ts';
import { suggestion } from './suggest.ts';

export interface RuleContext {
  tier: Tier;
  environment: string | null;
  /** Every service and backing service the spec declares, valid or not, for references. */
  serviceNames: ReadonlySet<string>;
  backingNames: ReadonlySet<string>;
}

type ServiceRule = (service: ServiceSpec, name: string, context: RuleContext) => Finding[];

const at = (name: string, ...rest: (string | number)[]) => ['services', name, ...rest];

/** The keys of `object` that are set, for "exactly one of" checks. */
const setKeys = (object: object, keys: readonly string[]) =>
  keys.filter((key) => (object as Record<string, unknown>)[key] !== undefined);

function exactlyOne(
  object: object,
  keys: readonly string[],
  path: (string | number)[],
  what: string,
): Finding[] {
  const set = setKeys(object, keys);
  if (set.length === 1) return [];
  const choices = keys.map((k) => `\`${k}\``).join(', ');
  return set.length === 0
    ? [{ path, message: `${what} needs one of ${choices}` }]
    : [
        {
          path,
          message: `${what} has ${set.map((k) => `\`${k}\``).join(' and ')}; it takes exactly one of ${choices}`,
        },
      ];
}

/** Services and backing services share names on a cluster (labels, DNS): one name, one thing. */
const uniqueName: ServiceRule = (_service, name, context) =>
  context.backingNames.has(name)
    ? [
        {
          path: at(name),
          message: `\`${name}\` names both a service and a backing service`,
          hint: 'rename one of them',
        },
      ]
    : [];

const needsRunOrImage: ServiceRule = (service, name) =>
  service.run || service.image
    ? []
    : [
        {
          path: at(name),
          message: `service \`${name}\` has neither \`run\` nor \`image\``,
          hint: '`gantry up` needs `run` (a command such as `node server.js`); `gantry render` and `gantry apply` need `image`',
        },
      ];

const probeShape: ServiceRule = (service, name) =>
  (['liveness', 'readiness', 'startup'] as const).flatMap((kind) => {
    const probe = service.health[kind];
    if (!probe) return [];
    const path = at(name, 'health', kind);
    const shape = exactlyOne(probe, ['path', 'tcp', 'exec'], path, `the ${kind} probe`);
    if (shape.length > 0) return shape;
    if ((probe.path || probe.tcp) && !probe.port && !service.port)
      return [
        {
          path,
          message: `the ${kind} probe checks a port, but the service has no \`port\``,
          hint: 'add `port:` to the service or to the probe',
        },
      ];
    if (kind === 'liveness' && probe.successThreshold !== 1)
      return [
        {
          path: [...path, 'successThreshold'],
          message: 'liveness successThreshold must be 1 (as in Kubernetes)',
        },
      ];
    if (kind === 'startup' && probe.successThreshold !== 1)
      return [
        {
          path: [...path, 'successThreshold'],
          message: 'startup successThreshold must be 1 (as in Kubernetes)',
        },
      ];
    return [];
  });

const uniquePorts: ServiceRule = (service, name) => {
  const findings: Finding[] = [];
  const numbers = new Set(service.port ? [service.port] : []);
  const names = new Set<string>(service.port ? ['http'] : []);
  (service.ports ?? []).forEach((extra, index) => {
    if (numbers.has(extra.port))
      findings.push({
        path: at(name, 'ports', index, 'port'),
        message: `port ${extra.port} is used twice in service \`${name}\``,
      });
    if (names.has(extra.name))
      findings.push({
        path: at(name, 'ports', index, 'name'),
        message: `port name \`${extra.name}\` is used twice in service \`${name}\``,
        hint: extra.name === 'http' ? '`http` is the name of the main `port`' : undefined,
      });
    numbers.add(extra.port);
    names.add(extra.name);
  });
  return findings;
};

const usesExist: ServiceRule = (service, name, context) => {
  const declared = (used: string) =>
    used !== name && (context.backingNames.has(used) || context.serviceNames.has(used));
  const known = () => [...context.backingNames, ...[...context.serviceNames].filter((s) => s !== name)];
  return service.uses.flatMap((used, index) =>
    declared(used)
      ? []
      : [
          {
            path: at(name, 'uses', index),
            message:
              used === name
                ? `service \`${name}\` cannot use itself`
                : `\`${used}\` is not a backing service or a service`,
            hint: suggestion(used, known(), 'known') || 'declare it under `backing:` or `services:`',
          },
        ],
  );
};

/** Gantry sets these for every replica (replica-env.ts); a spec cannot pass or override them. */
export const GANTRY_VARIABLES = [
  'PORT',
  'HOST',
  'APP_VERSION',
  'GANTRY_APP',
  'GANTRY_SERVICE',
  'GANTRY_REPLICA',
];

/** passEnv names what comes from the daemon's environment: nothing the spec sets another way. */
const passEnvNames: ServiceRule = (service, name) =>
  service.passEnv.flatMap((variable, index): Finding[] => {
    const path = at(name, 'passEnv', index);
    if (service.secrets.includes(variable))
      return [
        {
          path,
          message: `\`${variable}\` is a secret of this service; secrets are passed already`,
          hint: 'remove it from passEnv',
        },
      ];
    if (variable in service.env)
      return [
        {
          path,
          message: `\`${variable}\` is set in env; passEnv would be overridden by it`,
          hint: 'keep one of the two',
        },
      ];
    if (GANTRY_VARIABLES.includes(variable))
      return [
        {
          path,
          message: `\`${variable}\` is set by gantry for each replica`,
          hint: 'remove it from passEnv',
        },
      ];
    if (service.passEnv.indexOf(variable) !== index)
      return [{ path, message: `\`${variable}\` is listed twice`, hint: 'remove one' }];
    return [];
  });

const autoscaleBounds: ServiceRule = (service, name) => {
  const scale = service.autoscale;
  if (!scale) return [];
  const findings: Finding[] = [];
  if (scale.min > scale.max)
    findings.push({
      path: at(name, 'autoscale', 'min'),
      message: `autoscale.min (${scale.min}) is greater than autoscale.max (${scale.max})`,
    });
  if (service.replicas !== undefined && (service.replicas < scale.min || service.replicas > scale.max))
    findings.push({
      path: at(name, 'replicas'),
      message: `replicas (${service.replicas}) is outside autoscale [${scale.min}, ${scale.max}]`,
      hint: 'with autoscale, replicas is only the starting count; remove it or bring it within min..max',
    });
  if (scale.cpu === undefined && scale.memory === undefined && scale.rps === undefined)
    findings.push({
      path: at(name, 'autoscale'),
      message: 'autoscale needs a target: cpu, memory or rps',
      hint: 'e.g. cpu: 70 (percent of requested CPU)',
    });
  for (const resource of ['cpu', 'memory'] as const) {
    if (scale[resource] !== undefined && service.resources.requests?.[resource] === undefined)
      findings.push({
        path: at(name, 'autoscale', resource),
        message: `autoscale.${resource} is a percentage of requested ${resource}, but resources.requests.${resource} is not set`,
        hint: `add resources: { requests: { ${resource}: ${resource === 'cpu' ? '250m' : '256Mi'} } }`,
      });
  }
  return findings;
};

const disruptionBudget: ServiceRule = (service, name) => {
  const budget = service.disruption;
  if (!budget) return [];
  const path = at(name, 'disruption');
  const shape = exactlyOne(budget, ['minAvailable', 'maxUnavailable'], path, 'disruption');
  if (shape.length > 0) return shape;
  const replicas = service.autoscale?.min ?? service.replicas ?? 1;
  const { minAvailable, maxUnavailable } = budget;
  if (
    minAvailable &&
    (minAvailable.kind === 'count' ? minAvailable.value >= replicas : minAvailable.value >= 100)
  )
    return [
      {
        path: [...path, 'minAvailable'],
        message:
          minAvailable.kind === 'count'
            ? `minAvailable (${minAvailable.value}) must be less than the replicas (${replicas}${service.autoscale ? ', autoscale.min' : ''}), or no replica can ever be evicted`
            : 'minAvailable 100% means no replica can ever be evicted, so node drains hang',
        hint: `use at most ${Math.max(replicas - 1, 0)}, or raise the replicas`,
      },
    ];
  if (maxUnavailable && maxUnavailable.value === 0)
    return [
      {
        path: [...path, 'maxUnavailable'],
        message: 'maxUnavailable 0 means no replica can ever be evicted, so node drains hang',
      },
    ];
  return [];
};

const resourcesWithinLimits: ServiceRule = (service, name) => {
  const { requests, limits } = service.resources;
  return (['cpu', 'memory'] as const).flatMap((resource) => {
    const request = requests?.[resource];
    const limit = limits?.[resource];
    return request !== undefined && limit !== undefined && request > limit
      ? [
          {
            path: at(name, 'resources', 'requests', resource),
            message: `requests.${resource} is greater than limits.${resource}`,
          },
        ]
      : [];
  });
};

const shutdownOrder: ServiceRule = (service, name) =>
  service.shutdown.preStopSeconds >= service.shutdown.gracePeriodSeconds
    ? [
        {
          path: at(name, 'shutdown', 'preStopSeconds'),
          message: `preStopSeconds (${service.shutdown.preStopSeconds}) must be less than gracePeriodSeconds (${service.shutdown.gracePeriodSeconds})`,
          hint: 'the grace period includes the preStop sleep; the process needs time to finish requests after it',
        },
      ]
    : [];

const releaseSteps: ServiceRule = (service, name) => {
  const release = service.release;
  const path = at(name, 'release');
  if (release.strategy !== 'canary')
    return release.steps
      ? [
          {
            path: [...path, 'steps'],
            message: `steps apply to the canary strategy, not ${release.strategy}`,
            hint: 'set strategy: canary, or remove steps',
          },
        ]
      : [];
  // Without steps the default canary runs (src/rollout/steps.ts); an empty list is a mistake.
  if (!release.steps) return [];
  if (release.steps.length === 0)
    return [
      {
        path: [...path, 'steps'],
        message: 'a canary release needs steps, or none at all for the default canary',
        hint: 'remove `steps` (10 % → 25 % → 50 % → 100 %, each weight analysed), or e.g. steps: [ {weight: 10}, {pause: 30s}, {weight: 50}, {weight: 100} ]',
      },
    ];
  const findings: Finding[] = [];
  let lastWeight = 0;
  let lastIndex = -1;
  release.steps.forEach((step, index) => {
    const shape = exactlyOne(
      step,
      ['weight', 'pause', 'analysis'],
      [...path, 'steps', index],
      `step ${index + 1}`,
    );
    findings.push(...shape);
    if (shape.length > 0) return;
    if (step.weight !== undefined) {
      if (step.weight <= lastWeight)
        findings.push({
          path: [...path, 'steps', index, 'weight'],
          message: `canary weights must strictly increase: ${step.weight} follows ${lastWeight}`,
        });
      lastWeight = step.weight;
      lastIndex = index;
    }
  });
  if (lastWeight !== 100 && findings.length === 0)
    findings.push({
      path: [...path, 'steps', lastIndex >= 0 ? lastIndex : release.steps.length - 1],
      message: `canary weights must end at 100; the last is ${lastWeight}`,
      hint: 'add {weight: 100} as the last weight step',
    });
  return findings;
};

/**
 * `analysis: { enabled: false }` means no measurement at all: whatever would measure anyway is
 * a contradiction the user must resolve, not something to ignore quietly.
 */
const analysisSwitch: ServiceRule = (service, name) => {
  const release = service.release;
  const analysis = release.analysis;
  if (analysis?.enabled !== false) return [];
  const off = 'analysis is switched off (`analysis: { enabled: false }`)';
  const findings: Finding[] = [];
  release.steps?.forEach((step, index) => {
    if (step.analysis)
      findings.push({
        path: at(name, 'release', 'steps', index, 'analysis'),
        message: `an analysis step, but ${off}`,
        hint: 'remove the step, or `enabled: false`',
      });
  });
  if (release.prePromotionAnalysis)
    findings.push({
      path: at(name, 'release', 'prePromotionAnalysis'),
      message: `pre-promotion analysis, but ${off}`,
      hint: 'remove prePromotionAnalysis, or `enabled: false`',
    });
  if (analysis.loadTest)
    findings.push({
      path: at(name, 'release', 'analysis', 'loadTest'),
      message: `a load test measures for the analysis, but ${off}`,
      hint: 'remove loadTest, or `enabled: false`',
    });
  if (release.bakeSeconds)
    findings.push({
      path: at(name, 'release', 'bakeSeconds'),
      message: `a bake measures the new version, but ${off}`,
      hint: 'remove bakeSeconds, or `enabled: false`',
    });
  return findings;
};

/** A load test too slow to reach minRequests in an interval would make every measurement inconclusive. */
const loadTestRate: ServiceRule = (service, name) => {
  const analysis = service.release.analysis;
  if (!analysis?.loadTest) return [];
  const interval = analysis.intervalSeconds ?? ANALYSIS_DEFAULTS.intervalSeconds;
  const minRequests = analysis.minRequests ?? ANALYSIS_DEFAULTS.minRequests;
  const perInterval = Math.floor(analysis.loadTest.rate * interval);
  return perInterval >= minRequests
    ? []
    : [
        {
          path: at(name, 'release', 'analysis', 'loadTest', 'rate'),
          severity: 'warning',
          message: `the load test sends about ${perInterval} requests per ${interval} s interval, fewer than minRequests ${minRequests}: without other traffic every measurement is inconclusive`,
          hint: `rate: ${Math.ceil(minRequests / interval)} or more`,
        },
      ];
};

const releaseOptions: ServiceRule = (service, name) => {
  const release = service.release;
  const findings: Finding[] = [];
  if (release.smoke && release.strategy === 'rolling')
    findings.push({
      path: at(name, 'release', 'smoke'),
      severity: 'warning',
      message: 'smoke checks run only in blue-green and canary releases, before the new version gets traffic',
    });
  if ((release.strategy === 'blue-green' || release.strategy === 'canary') && !service.port)
    findings.push({
      path: at(name, 'release', 'strategy'),
      message: `a ${release.strategy} release routes traffic, so the service needs a \`port\``,
    });
  return findings;
};

/**
 * A rolling update that may stop every replica before a new one is ready: Kubernetes' bounds
 * (rollout/surge.ts) for the replicas the service runs, autoscale.min when it scales. A warning,
 * not an error: a development environment may accept the gap (its render then says so).
 */
const rolloutKeepsAPod: ServiceRule = (service, name) => {
  const replicas = service.autoscale ? service.autoscale.min : (service.replicas ?? 1);
  const { maxSurge, maxUnavailable } = service.release;
  if (replicas === 0 || resolveFenceposts(replicas, maxSurge, maxUnavailable).unavailable < replicas)
    return [];
  const shown = maxUnavailable.kind === 'count' ? String(maxUnavailable.value) : `${maxUnavailable.value}%`;
  return [
    {
      path: at(name, 'release', 'maxUnavailable'),
      severity: 'warning',
      message: `maxUnavailable ${shown} with ${replicas} replica${replicas === 1 ? '' : 's'}: a rollout may stop ${replicas === 1 ? 'the only one' : 'all of them'} before a new one is ready`,
      hint: 'set release.maxUnavailable: 0 (maxSurge then starts each new pod first)',
    },
  ];
};

/**
 * One replica outside development: every node drain, eviction or rollout takes the service down.
 * A warning: the spec may mean it (a staging environment on a budget); the render then carries
 * the accepted finding, so `gantry lint --spec` and this warning say it once.
 */
const oneReplicaOutsideDevelopment: ServiceRule = (service, name, context) => {
  if (context.tier === 'development') return [];
  const replicas = service.autoscale ? service.autoscale.min : (service.replicas ?? 1);
  if (replicas !== 1) return [];
  return [
    {
      path: service.autoscale ? at(name, 'autoscale', 'min') : at(name, 'replicas'),
      severity: 'warning',
      message: `one replica in a ${context.tier} environment: a node drain, an eviction or a rollout takes the service down`,
      hint: service.autoscale ? 'set autoscale.min: 2' : 'set replicas: 2 (or autoscale with min: 2)',
    },
  ];
};

const routesNeedPort: ServiceRule = (service, name) =>
  service.routes.length > 0 && !service.port
    ? [{ path: at(name, 'routes'), message: 'routes send traffic to the service, but it has no `port`' }]
    : [];

/** Clusters pull images by tag; an untagged or `latest` image makes releases unrepeatable. */
const pinnedImage: ServiceRule = (service, name, context) => {
  if (!service.image || context.tier === 'development') return [];
  const where = context.environment
    ? `in environment \`${context.environment}\` (${context.tier})`
    : `in ${context.tier}`;
  const path = at(name, 'image');
  if (service.image.includes('@sha256:')) return [];
  const tag = /:([^/:]+)$/.exec(service.image)?.[1];
  if (!tag)
    return [
      {
        path,
        message: `image \`${service.image}\` has no tag, which is not allowed ${where}`,
        hint: `pin a version: ${service.image}:1.0.0`,
      },
    ];
  if (tag === 'latest')
    return [
      {
        path,
        message: `image tag \`latest\` is not allowed ${where}`,
        hint: 'pin a version (e.g. :1.4.2) or a digest (@sha256:…) so every replica runs the same code',
      },
    ];
  return [];
};

const SERVICE_RULES: ServiceRule[] = [
  uniqueName,
  needsRunOrImage,
  probeShape,
  uniquePorts,
  usesExist,
  passEnvNames,
  autoscaleBounds,
  disruptionBudget,
  resourcesWithinLimits,
  shutdownOrder,
  releaseSteps,
  releaseOptions,
  rolloutKeepsAPod,
  oneReplicaOutsideDevelopment,
  analysisSwitch,
  loadTestRate,
  analysisProvider,
  routesNeedPort,
  pinnedImage,
  monitoringSettings,
];

/** Runs every rule on each service given: the caller passes the services that parsed. */
export function checkRules(services: Record<string, ServiceSpec>, context: RuleContext): Finding[] {
  return Object.entries(services).flatMap(([name, service]) =>
    SERVICE_RULES.flatMap((rule) => rule(service, name, context)),
  );
}
