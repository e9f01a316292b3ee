/**
 * The gantry.yaml schema. It describes what users write (the JSON Schema for editors is
 * generated from it) and its parse output is the normalised model: units become numbers
 * (ms, millicores, bytes) and Kubernetes defaults are filled in.
 * Cross-field rules live in rules.ts; environment overlays are merged before parsing.
 */
import { z } from 'zod';
import { DNS_LABEL } from './names.ts';
import {
  CPU_PATTERN,
  DURATION_PATTERN,
  MEMORY_PATTERN,
  PERCENT_PATTERN,
  parseCpu,
  parseDuration,
  parseIntOrPercent,
  parseMemory,
} from './units.ts';

/** The largest value of a Kubernetes int32 field (replicas, probe and rollout seconds, HPA bounds). */
export const INT32_MAX = 2_147_483_647;
/**
 * The largest CPU (millicores) or memory (bytes) a spec may ask for: 2^53, the largest amount a
 * JavaScript number holds exactly (8Pi of memory), far below Kubernetes' own int64 limit.
 */
export const QUANTITY_MAX = 2 ** 53;

export { DNS_LABEL };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const name = (what: string) =>
  z.string().regex(DNS_LABEL, {
    error: `${what} must be a DNS label: lower-case letters, digits and '-', starting with a letter (e.g. my-api)`,
  });

const DurationText = z
  .string()
  .regex(DURATION_PATTERN, { error: 'expected a duration such as 500ms, 30s, 5m or 1m30s' });

const Cpu = z
  .union([
    z.number().positive(),
    z.string().regex(CPU_PATTERN, { error: 'expected CPU as cores (0.5, 2) or millicores (250m)' }),
  ])
  .transform((value) => parseCpu(value)!)
  .refine((millicores) => millicores >= 1, { error: 'CPU must be at least 1m' })
  .refine((millicores) => millicores <= QUANTITY_MAX, { error: `CPU must be at most ${QUANTITY_MAX}m` })
  .describe('CPU as cores (0.5, 2) or millicores (250m)');

const Memory = z
  .union([
    z.number().positive(),
    z.string().regex(MEMORY_PATTERN, { error: 'expected a quantity such as 256Mi, 1Gi or 512M' }),
  ])
  .transform((value) => parseMemory(value)!)
  .refine((bytes) => bytes <= QUANTITY_MAX, { error: 'a quantity must be at most 8Pi' })
  .describe('a quantity such as 256Mi, 1Gi or 512M');

/** A Kubernetes int32 field: whole, at least `min`, at most 2147483647. */
const Int32 = (min: number) => z.number().int().min(min).max(INT32_MAX);

/**
 * A Kubernetes IntOrString count or percentage. `maxPercent` where Kubernetes has one
 * (maxUnavailable and PodDisruptionBudgets: 100%); a count is an int32.
 */
const IntOrPercent = (maxPercent = INT32_MAX) =>
  z
    .union([
      Int32(0),
      z.string().regex(PERCENT_PATTERN, { error: 'expected a whole number or a percentage such as 25%' }),
    ])
    .transform((value) => parseIntOrPercent(value)!)
    .refine((parsed) => parsed.kind === 'count' || parsed.value <= maxPercent, {
      error: `a percentage must be at most ${maxPercent}%`,
    })
    .describe('a whole number or a percentage such as 25%');

const Port = z.number().int().min(1).max(65535);
const Percent = z.number().int().min(1).max(100);
const Seconds = Int32;

// ── health ──────────────────────────────────────────────────────────────────────────────
const Probe = z
  .strictObject({
    path: z.string().startsWith('/').optional().describe('HTTP GET this path on the service port'),
    tcp: z.literal(true).optional().describe('open a TCP connection to the service port'),
    exec: z.array(z.string()).min(1).optional().describe('run this command; exit 0 means healthy'),
    port: Port.optional().describe('probe this port instead of the service port'),
    initialDelaySeconds: Seconds(0).default(0),
    periodSeconds: Seconds(1).default(10),
    timeoutSeconds: Seconds(1).default(1),
    successThreshold: Seconds(1).default(1),
    failureThreshold: Seconds(1).default(3),
  })
  .describe('A Kubernetes-style probe: exactly one of path, tcp or exec');

const Health = z.strictObject({
  liveness: Probe.optional().describe('failing → the replica is restarted'),
  readiness: Probe.optional().describe('failing → the replica gets no traffic'),
  startup: Probe.optional().describe('holds liveness and readiness until it first succeeds'),
});

// ── resources and scaling ───────────────────────────────────────────────────────────────
const ResourceAmounts = z.strictObject({ cpu: Cpu.optional(), memory: Memory.optional() });
const Resources = z.strictObject({
  requests: ResourceAmounts.optional(),
  limits: ResourceAmounts.optional(),
});

const ScalingPolicy = z.strictObject({
  type: z.enum(['Pods', 'Percent']),
  value: Int32(1),
  periodSeconds: z.number().int().min(1).max(1800),
});
const ScalingRules = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z.array(ScalingPolicy).min(1).optional(),
});

const Autoscale = z
  .strictObject({
    min: Int32(1).describe('minimum replicas'),
    max: Int32(1).describe('maximum replicas'),
    cpu: Percent.optional().describe('target CPU utilisation, % of requests'),
    memory: Percent.optional().describe('target memory utilisation, % of requests'),
    rps: z.number().positive().optional().describe('target requests per second per replica'),
    behavior: z
      .strictObject({ scaleUp: ScalingRules.optional(), scaleDown: ScalingRules.optional() })
      .optional(),
  })
  .describe('HorizontalPodAutoscaler (autoscaling/v2) semantics');

const Disruption = z
  .strictObject({ minAvailable: IntOrPercent(100).optional(), maxUnavailable: IntOrPercent(100).optional() })
  .describe('PodDisruptionBudget: exactly one of minAvailable or maxUnavailable');

const Shutdown = z.strictObject({
  preStopSeconds: Seconds(0)
    .default(0)
    .describe('sleep before SIGTERM so load balancers stop sending traffic'),
  // terminationGracePeriodSeconds is an int64 in Kubernetes: any whole number a spec can hold.
  gracePeriodSeconds: z.number().int().min(1).default(30).describe('time from SIGTERM to SIGKILL'),
});

// ── releases ────────────────────────────────────────────────────────────────────────────
/**
 * Analysis defaults (the thresholds our users wrote down: error rate < 1 %, p95 < 200 ms);
 * a step's analysis overrides the release's, which overrides these.
 */
export const ANALYSIS_DEFAULTS = {
  intervalSeconds: 5,
  successRate: 0.99,
  latencyP95Ms: 200,
  failureLimit: 0,
  consecutiveErrorLimit: 4,
  // A release that cannot be measured pauses at once; a person has a minute (at the default
  // interval) to accept it unmeasured (`gantry promote`) or drop it before it is rolled back.
  inconclusiveLimit: 12,
  minRequests: 20,
  count: 1,
} as const;

/** The canary a `strategy: canary` without steps makes: each weight held and analysed before the next. */
export const DEFAULT_CANARY_WEIGHTS = [10, 25, 50, 100] as const;

/** The load test's rate when `loadTest` does not say (requests per second, all paths together). */
export const LOAD_TEST_DEFAULT_RATE = 10;

const Analysis = z.strictObject({
  intervalSeconds: Seconds(1)
    .optional()
    .describe(`seconds each measurement covers (default ${ANALYSIS_DEFAULTS.intervalSeconds})`),
  successRate: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(`minimum fraction of requests answered without 5xx (default ${ANALYSIS_DEFAULTS.successRate})`),
  latencyP95Ms: z
    .number()
    .positive()
    .optional()
    .describe(`maximum p95 latency in ms (default ${ANALYSIS_DEFAULTS.latencyP95Ms})`),
  latencyP99Ms: z
    .number()
    .positive()
    .optional()
    .describe('maximum p99 latency in ms (not checked unless set)'),
  failureLimit: Seconds(0)
    .optional()
    .describe(
      `failed measurements tolerated; one more rolls back (default ${ANALYSIS_DEFAULTS.failureLimit})`,
    ),
  consecutiveErrorLimit: Seconds(0)
    .optional()
    .describe(
      `measurements that could not be taken, in a row, before it counts as failed (default ${ANALYSIS_DEFAULTS.consecutiveErrorLimit})`,
    ),
  inconclusiveLimit: Seconds(1)
    .optional()
    .describe(
      `measurements in a row that cannot judge (too few requests, no data) before the release is rolled back; it pauses for a person at the first one (default ${ANALYSIS_DEFAULTS.inconclusiveLimit})`,
    ),
  minRequests: Seconds(0)
    .optional()
    .describe(
      `fewer requests in a measurement make it inconclusive (default ${ANALYSIS_DEFAULTS.minRequests})`,
    ),
  count: Seconds(1)
    .optional()
    .describe(`analysis steps: passing measurements needed (default ${ANALYSIS_DEFAULTS.count})`),
});

/**
 * Where release analysis gets its numbers: the local load balancer (what `gantry up` measures)
 * or a Prometheus server, queried with PromQL templates (src/metrics/promql.ts). Set on a
 * service's `release.analysis` only: a release measures from one place, every step alike.
 * The address is checked by a rule (analysis-provider.ts), which can give a hint.
 */
export const PROMETHEUS_DEFAULT_ADDRESS = 'http://127.0.0.1:9090';

const QueryTemplate = (what: string) =>
  z
    .string()
    .min(1)
    .optional()
    .describe(`PromQL for ${what}; {{service}}, {{version}} and {{window}} (e.g. 5s) are filled in`);

const PrometheusSource = z.strictObject({
  address: z
    .string()
    .default(PROMETHEUS_DEFAULT_ADDRESS)
    .describe(`the Prometheus server's base URL (default ${PROMETHEUS_DEFAULT_ADDRESS})`),
  queries: z
    .strictObject({
      successRate: QueryTemplate('the fraction of requests answered without 5xx (0..1)'),
      latencyP95: QueryTemplate('the p95 latency in seconds'),
      latencyP99: QueryTemplate('the p99 latency in seconds (queried when latencyP99Ms is set)'),
      requests: QueryTemplate('the number of requests in the window (checked against minRequests)'),
    })
    .optional()
    .describe("override the default queries (over the load balancer's gantry_lb_* metrics)"),
});

const SmokeCheck = z.strictObject({
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/'),
  status: z.number().int().min(100).max(599).default(200),
  bodyContains: z.string().optional(),
});

/**
 * Requests Gantry sends to the new version itself during every measurement (Flagger's load
 * tester, built in), so a service without outside traffic still gets a verdict.
 */
const LoadTest = z
  .strictObject({
    requests: z
      .array(SmokeCheck)
      .min(1)
      .describe('sent in turn to the new version alone; `status` is what each must answer'),
    rate: z
      .number()
      .positive()
      .max(1000)
      .default(LOAD_TEST_DEFAULT_RATE)
      .describe(`requests per second, all paths together (default ${LOAD_TEST_DEFAULT_RATE})`),
  })
  .describe('requests Gantry sends to the new version while it measures it');

const ReleaseAnalysis = Analysis.extend({
  enabled: z
    .boolean()
    .optional()
    .describe(
      'default true; false: release without any analysis (no gates, no bake); every surface says "not analysed"',
    ),
  loadTest: LoadTest.optional(),
  provider: z
    .enum(['local', 'prometheus'])
    .optional()
    .describe('where measurements come from: local (the load balancer, default) or prometheus'),
  prometheus: PrometheusSource.optional().describe('provider: prometheus — the server and its queries'),
});

const Pause = z
  .union([
    z.string().regex(DURATION_PATTERN, {
      error: 'expected a duration such as 30s, or {} to wait for gantry promote',
    }),
    z.strictObject({ duration: DurationText.optional() }),
  ])
  .transform((value) => {
    const text = typeof value === 'string' ? value : value.duration;
    return { durationMs: text === undefined ? null : parseDuration(text)! };
  });

const Step = z
  .strictObject({
    weight: z.number().int().min(0).max(100).optional().describe('send this % of traffic to the new version'),
    pause: Pause.optional().describe('a duration, or {} to wait for `gantry promote`'),
    analysis: Analysis.optional().describe('a gate: measure now; its fields override release.analysis'),
  })
  .describe('exactly one of weight, pause or analysis');

const Release = z.strictObject({
  strategy: z.enum(['rolling', 'blue-green', 'canary']).default('rolling'),
  maxSurge: IntOrPercent().default({ kind: 'percent', value: 25 }),
  maxUnavailable: IntOrPercent(100).default({ kind: 'percent', value: 25 }),
  minReadySeconds: Seconds(0).default(0),
  progressDeadlineSeconds: Seconds(1).default(600),
  steps: z
    .array(Step)
    .optional()
    .describe(
      `canary only (default: ${DEFAULT_CANARY_WEIGHTS.map((w) => `{weight: ${w}}`).join(', ')}). Before each weight after the first, the weight in force is analysed unless an analysis step already does: each weight is held for one analysis interval and must pass`,
    ),
  analysis: ReleaseAnalysis.optional().describe(
    'the thresholds every release is measured against: gates, background analysis and the bake',
  ),
  bakeSeconds: Seconds(1)
    .optional()
    .describe(
      'after the new version takes all traffic, keep measuring it this long with the previous version still up; a failure switches back at once (default: two analysis intervals; only `analysis: { enabled: false }` removes it)',
    ),
  smoke: z
    .array(SmokeCheck)
    .optional()
    .describe('blue-green and canary: requests the new version must pass before it gets traffic'),
  autoPromotion: z.boolean().default(true).describe('blue-green: switch traffic without `gantry promote`'),
  prePromotionAnalysis: z
    .boolean()
    .default(false)
    .describe(
      'blue-green: also analyse the new colour through its preview URL before the switch (needs traffic to it)',
    ),
  scaleDownDelaySeconds: Seconds(0).default(30).describe('blue-green: keep the old colour this long'),
});

const Route = z.strictObject({
  host: z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
    error: 'expected a host name such as shop.example.com',
  }),
  path: z.string().startsWith('/').default('/'),
  tls: z.boolean().default(true),
  rateLimit: z
    .strictObject({ rps: Int32(1).describe('requests per second per client IP') })
    .optional()
    .describe('rendered as the ingress controller annotation (NGINX: limit-rps)'),
});

const Toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Equal', 'Exists']).default('Equal'),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
});

const Placement = z
  .strictObject({
    nodeSelector: z.record(z.string(), z.string()).optional(),
    tolerations: z.array(Toleration).optional().describe('e.g. for tainted spot or database node pools'),
    zoneSpread: z
      .boolean()
      .default(true)
      .describe('spread replicas across zones (and nodes) when there are several'),
  })
  .describe('where pods may run on a cluster');

const Build = z
  .strictObject({
    context: z.string().min(1).default('.').describe('the image build context, relative to gantry.yaml'),
    dockerfile: z
      .string()
      .min(1)
      .optional()
      .describe('the Dockerfile, relative to gantry.yaml (default: Dockerfile.<service> in the context)'),
    baseImage: z
      .string()
      .regex(/^[^\s:@]+(:[\w][\w.-]*)?(@sha256:[a-f0-9]{64})?$/, {
        error: 'expected an image reference such as node:26.11.1-trixie-slim',
      })
      .optional()
      .describe(
        '`gantry dockerfile`: the pinned base image (default: the current Node LTS, pinned: node:26.11.1-trixie-slim)',
      ),
  })
  .describe("how CI and `gantry dockerfile` build this service's image");

const IamStatement = z.strictObject({
  actions: z
    .array(
      z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/, { error: 'expected an IAM action such as s3:GetObject' }),
    )
    .min(1),
  resources: z.array(z.string().min(1)).min(1).describe('ARNs (no `*` unless you mean it)'),
});

const NamedPort = z.strictObject({ name: name('port name'), port: Port });

const EnvValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .describe('a string, a number or true/false');

// ── monitoring ──────────────────────────────────────────────────────────────────────────
/** Where Prometheus scrapes a service (`gantry render --monitoring`, `gantry up --monitoring`). */
export const METRICS_DEFAULT_PATH = '/metrics';

const Metrics = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('false: the service exports no metrics (no scraping, no SLO alerts)'),
    path: z
      .string()
      .startsWith('/')
      .default(METRICS_DEFAULT_PATH)
      .describe(`the path Prometheus scrapes (default ${METRICS_DEFAULT_PATH})`),
    port: Port.optional().describe('the port Prometheus scrapes (default: the service port)'),
  })
  .describe('where Prometheus scrapes this service: http_requests_total and http_request_duration_seconds');

/** An SLO window: whole hours, days or weeks, as Prometheus writes durations (30d, 4w). */
export const SLO_WINDOW_PATTERN = /^(\d+)(h|d|w)$/;
const SLO_WINDOW_UNIT_SECONDS: Record<string, number> = { h: 3600, d: 86_400, w: 604_800 };
/** The shortest SLO window: a week, so the slowest alert (3 days) looks back less than half of it. */
export const SLO_MIN_WINDOW_SECONDS = 7 * 86_400;
export const SLO_DEFAULT_WINDOW = '30d';

export function parseSloWindow(text: string): number | undefined {
  const match = SLO_WINDOW_PATTERN.exec(text);
  return match ? Number(match[1]) * SLO_WINDOW_UNIT_SECONDS[match[2]!]! : undefined;
}

const Availability = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\d+(\.\d+)?%$/, { error: 'expected a percentage such as 99.9% or a fraction such as 0.999' })
      // 99.9 / 100 is 0.9990000000000001 in binary floating point: rounded back to what was written.
      .transform((text) => Number((Number(text.slice(0, -1)) / 100).toPrecision(12))),
  ])
  .refine((fraction) => fraction <= 1, {
    error: 'a number here is a fraction of 1: write 0.999 or 99.9%',
    abort: true,
  })
  .refine((fraction) => fraction > 0 && fraction < 1, {
    error: 'an availability is above 0% and below 100% (100% leaves no error budget)',
  })
  .describe('a percentage such as 99.9% or a fraction such as 0.999: requests answered without a 5xx');

const Slo = z
  .strictObject({
    availability: Availability.optional(),
    latencyP95Ms: z
      .number()
      .positive()
      .optional()
      .describe('95 % of requests faster than this (default: release.analysis.latencyP95Ms)'),
    window: z
      .string()
      .regex(SLO_WINDOW_PATTERN, { error: 'expected a window in hours, days or weeks such as 30d or 4w' })
      .refine((text) => (parseSloWindow(text) ?? SLO_MIN_WINDOW_SECONDS) >= SLO_MIN_WINDOW_SECONDS, {
        error: 'an SLO window is at least 7d (the slowest burn-rate alert looks back 3 days)',
      })
      .default(SLO_DEFAULT_WINDOW)
      .describe(`the period the error budget is counted over (default ${SLO_DEFAULT_WINDOW})`),
  })
  .describe(
    'service level objectives for burn-rate alerts and the dashboard; availability and latencyP95Ms default to release.analysis successRate and latencyP95Ms, the numbers releases gate on',
  );

export const Service = z.strictObject({
  image: z.string().min(1).optional().describe('container image a cluster runs, with a tag: repo/name:1.2.3'),
  run: z.string().min(1).optional().describe('command the local platform runs; PORT is injected'),
  workdir: z.string().optional().describe('local working directory, relative to gantry.yaml'),
  port: Port.optional().describe('the HTTP port the service listens on'),
  ports: z.array(NamedPort).optional().describe('additional named ports'),
  env: z.record(z.string().regex(ENV_NAME), EnvValue).default({}),
  secrets: z
    .array(z.string().regex(ENV_NAME, { error: 'a secret is named like an environment variable' }))
    .default([])
    .describe('names only; values come from the environment or a secret store'),
  uses: z.array(z.string()).default([]).describe('backing services and services this one depends on'),
  passEnv: z
    .array(
      z.string().regex(ENV_NAME, {
        error: 'passEnv lists environment variable names (letters, digits and _, not starting with a digit)',
      }),
    )
    .default([])
    .describe(
      "`gantry up` only: variables passed from the daemon's environment to this service's replicas, by name (no others are)",
    ),
  health: Health.default({}),
  resources: Resources.default({}),
  replicas: Int32(0).optional().describe('defaults to autoscale.min, else 1'),
  autoscale: Autoscale.optional(),
  disruption: Disruption.optional(),
  shutdown: Shutdown.default({ preStopSeconds: 0, gracePeriodSeconds: 30 }),
  release: Release.prefault({}),
  routes: z.array(Route).default([]),
  placement: Placement.prefault({}),
  build: Build.prefault({}),
  iam: z
    .array(IamStatement)
    .optional()
    .describe(
      "AWS permissions this service's pods need: an IAM role for its ServiceAccount (IRSA on EKS) or its ECS task role",
    ),
  metrics: Metrics.optional(),
  slo: Slo.optional(),
});

export const Backing = z.strictObject({
  kind: z.enum(['postgres', 'redis', 'kafka']),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  mode: z
    .enum(['in-cluster', 'managed'])
    .default('in-cluster')
    .describe('run it in the cluster or use a cloud service'),
  storage: Memory.optional(),
  replicas: Int32(1).default(1),
  ha: z.boolean().default(false).describe('high availability (Multi-AZ when managed)'),
});

export const TIERS = ['development', 'staging', 'production'] as const;

/**
 * How `gantry ci`'s deploy jobs reach an EKS API endpoint (`gantry infra` opens exactly that):
 * the endpoint public but only to the runners' egress CIDRs, or private with the deploy jobs on
 * a self-hosted runner inside the VPC.
 */
const ClusterAccess = z.discriminatedUnion('via', [
  z.strictObject({
    via: z.literal('public-endpoint'),
    cidrs: z
      .array(
        z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, {
          error: 'expected a CIDR block such as 203.0.113.0/24',
        }),
      )
      .min(1)
      .refine((cidrs) => !cidrs.includes('0.0.0.0/0'), { error: '0.0.0.0/0 opens the API to everyone' })
      .describe("the CI runners' egress addresses (e.g. a larger runner's static IPs)"),
  }),
  z.strictObject({
    via: z.literal('self-hosted-runner'),
    labels: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('the runner labels (GitHub runs-on) or tags (GitLab); default [self-hosted, <app>-<env>]'),
  }),
]);

/** Overlays are checked after merging, against Service and Backing; here only their outline. */
const Environment = z.strictObject({
  tier: z
    .enum(TIERS)
    .optional()
    .describe('defaults from the name: dev*/local*/test* → development, prod* → production'),
  namespace: name('namespace').optional(),
  url: z
    .url({ protocol: /^https?$/, error: 'expected a URL such as https://staging.shop.example.com' })
    .optional()
    .describe("the environment's public base URL: CI runs the smoke checks against it"),
  aws: z
    .strictObject({
      accountId: z
        .string()
        .regex(/^\d{12}$/, { error: 'an AWS account id is 12 digits, e.g. "123456789012" (quote it)' }),
      region: z
        .string()
        .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'expected an AWS region such as eu-west-1' })
        .optional()
        .describe('where gantry infra builds it and gantry cost prices it (default us-east-1)'),
      clusterAccess: ClusterAccess.optional().describe(
        'how the CI pipeline reaches the Kubernetes API: a public endpoint limited to CIDRs, or a self-hosted runner in the VPC (default)',
      ),
    })
    .optional()
    .describe(
      'the AWS account this environment runs in: render points ServiceAccounts of services with `iam` at the IRSA roles `gantry infra` creates',
    ),
  services: z.record(z.string(), z.record(z.string(), z.unknown()).nullable()).optional(),
  backing: z.record(z.string(), z.record(z.string(), z.unknown()).nullable()).optional(),
});

const SecretsSource = z
  .strictObject({
    provider: z.enum(['kubernetes', 'external-secrets']).default('kubernetes'),
    store: z
      .string()
      .min(1)
      .optional()
      .describe('external-secrets: the SecretStore to read from (AWS Secrets Manager, Vault…)'),
    storeKind: z.enum(['SecretStore', 'ClusterSecretStore']).default('SecretStore'),
    refreshInterval: DurationText.optional().describe('external-secrets: how often to re-read (default 1h)'),
  })
  .refine((source) => source.provider !== 'external-secrets' || source.store !== undefined, {
    error: 'external-secrets needs `store`: the SecretStore to read from',
    path: ['store'],
  })
  .describe('where secret values come from on a cluster: a Secret you create, or External Secrets Operator');

const Ingress = z
  .strictObject({
    className: z.string().default('nginx'),
    controllerNamespace: name('namespace')
      .default('ingress-nginx')
      .describe('allowed through the NetworkPolicy'),
  })
  .describe('the ingress controller routes go through');

const Ci = z
  .strictObject({
    provider: z.enum(['github', 'gitlab']).describe('the CI system that builds and deploys'),
    repository: z
      .string()
      .regex(/^[\w.-]+(\/[\w.-]+)+$/, { error: 'expected OWNER/REPO (GitHub) or GROUP/PROJECT (GitLab)' })
      .describe("only this repository's pipeline may assume the deploy roles gantry infra creates"),
    gitlabUrl: z
      .url({ protocol: /^https$/ })
      .default('https://gitlab.com')
      .describe('GitLab: the instance whose OIDC tokens the roles trust'),
  })
  .describe('the pipeline gantry ci writes and the cloud trusts (OIDC, no long-lived keys)');

export const SpecFile = z.strictObject({
  app: name('app name').describe('the application name, used in labels and object names'),
  namespace: name('namespace').optional(),
  secrets: SecretsSource.prefault({}),
  ingress: Ingress.prefault({}),
  services: z.record(name('service name'), Service).refine((s) => Object.keys(s).length > 0, {
    error: 'at least one service is required',
  }),
  backing: z.record(name('backing service name'), Backing).default({}),
  environments: z.record(name('environment name'), Environment).default({}),
  ci: Ci.optional(),
});

export type SpecFileOutput = z.output<typeof SpecFile>;
export type ServiceSpec = z.output<typeof Service>;
export type BackingSpec = z.output<typeof Backing>;
export type BuildSpec = z.output<typeof Build>;
export type IamStatementSpec = z.output<typeof IamStatement>;
export type ProbeSpec = z.output<typeof Probe>;
export type ReleaseSpec = z.output<typeof Release>;
export type StepSpec = z.output<typeof Step>;
export type AnalysisSpec = z.output<typeof Analysis>;
export type ReleaseAnalysisSpec = z.output<typeof ReleaseAnalysis>;
export type PrometheusSourceSpec = z.output<typeof PrometheusSource>;
export type Tier = (typeof TIERS)[number];
export type AwsSettings = NonNullable<z.output<typeof Environment>['aws']>;
export type ClusterAccessSpec = z.output<typeof ClusterAccess>;
export type CiSpec = z.output<typeof Ci>;
export type MetricsSpec = z.output<typeof Metrics>;
export type SloSpec = z.output<typeof Slo>;
