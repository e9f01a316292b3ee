/**
 * Reading `gantry autoscale explain` input: one YAML document holding a Kubernetes
 * HorizontalPodAutoscaler (autoscaling/v2, as `kubectl get hpa NAME -o yaml` prints it; its
 * `status` is ignored) plus an `observed:` section — the target's replicas, its pods, recent
 * recommendations and scale events with their ages — and optionally `controller:`
 * (kube-controller-manager's --horizontal-pod-autoscaler-* settings).
 *
 * Pure: text in, the model or every problem found (file, line, column, field, hint) out.
 * Validation follows the API server's where the algorithm depends on it (policies need at
 * least one entry, periods 1–1800 s, windows 0–3600 s, maxReplicas ≥ minReplicas).
 */
import type { z } from 'zod';
import { issueToFindings } from '../spec/issues.ts';
import { isRecord } from '../spec/overlay.ts';
import type { Finding, PathSegment, Problem } from '../spec/problem.ts';
import { formatPath, sortProblems } from '../spec/problem.ts';
import { parseSource } from '../spec/source.ts';
import {
  type ControllerConfig,
  DEFAULT_CONTROLLER,
  type History,
  type HpaSpec,
  type MetricSpec,
  type MetricTarget,
  type Observed,
  type PodState,
} from './hpa-data.ts';
import { Input, type InputData, type MetricEntry, type Target } from './hpa-schema.ts';

export interface ExplainInput {
  name: string;
  /** Kind/name of the scale target, when given. */
  target?: string;
  spec: HpaSpec;
  observed: Observed;
  history: History;
  now: number;
  config: ControllerConfig;
}

export type LoadedHpa = { ok: true; input: ExplainInput } | { ok: false; problems: Problem[] };

/** The clock of the input: ages in seconds become times before it. */
export const INPUT_NOW = 0;

export function loadHpa(text: string, file: string): LoadedHpa {
  const source = parseSource(text);
  const place = (finding: Finding): Problem => {
    const where = source.locate(finding.path).position;
    return {
      severity: 'error',
      file,
      line: where.line,
      column: where.column,
      path: formatPath(finding.path),
      message: finding.message,
      ...(finding.hint ? { hint: finding.hint } : {}),
    };
  };
  if (source.syntaxErrors.length > 0)
    return {
      ok: false,
      problems: source.syntaxErrors.map((error) => ({
        severity: 'error',
        file,
        line: error.line,
        column: error.column,
        path: '(yaml)',
        message: `YAML syntax error: ${error.message}`,
        hint: 'check the indentation and that every `key:` is followed by a space',
      })),
    };
  const data = source.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return {
      ok: false,
      problems: [
        place({
          path: [],
          message: 'expected a HorizontalPodAutoscaler (autoscaling/v2) with an `observed:` section',
          hint: 'see examples/autoscale/hpa-observed.yaml',
        }),
      ],
    };

  const parsed = Input.safeParse(data);
  const findings: Finding[] = [
    ...(parsed.success
      ? []
      : parsed.error.issues.flatMap((issue) => hinted(issueToFindings(Input, data, issue), data))),
    ...rules(data as Record<string, unknown>),
  ];
  if (!parsed.success || findings.length > 0)
    return { ok: false, problems: sortProblems(findings.map(place)) };
  return { ok: true, input: toInput(parsed.data) };
}

/** Hints for mistakes people make with HPA YAML. */
function hinted(findings: Finding[], data: unknown): Finding[] {
  return findings.map((finding) => {
    const [first] = finding.path;
    if (first === 'apiVersion' && finding.path.length === 1)
      return {
        ...finding,
        hint: 'print the HPA in that version: kubectl get hpa.v2.autoscaling NAME -o yaml',
      };
    if (first === 'observed' && finding.path.length === 1 && !('observed' in (data as object)))
      return {
        ...finding,
        message: 'the `observed:` section is missing',
        hint: 'add what the controller sees: observed: { replicas: 3, pods: [...] } (see examples/autoscale/hpa-observed.yaml)',
      };
    return finding;
  });
}

/**
 * Checks that span fields: each metric's source matches its type, targets fit the source,
 * min ≤ max. They read the raw data, so they run (and report) even where the schema failed.
 */
function rules(data: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  const spec = isRecord(data.spec) ? data.spec : {};
  const { minReplicas, maxReplicas } = spec;
  if (typeof minReplicas === 'number' && typeof maxReplicas === 'number' && maxReplicas < minReplicas)
    findings.push({
      path: ['spec', 'maxReplicas'],
      message: `must be at least minReplicas (${minReplicas}), got ${maxReplicas}`,
    });
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  metrics.forEach((metric: unknown, i) => {
    if (!isRecord(metric) || typeof metric.type !== 'string' || !(metric.type in SOURCE_KEY)) return;
    const type = metric.type as keyof typeof SOURCE_KEY;
    const key = SOURCE_KEY[type];
    const source = metric[key];
    if (source === undefined) {
      const present = Object.values(SOURCE_KEY).find((other) => metric[other] !== undefined);
      findings.push({
        path: ['spec', 'metrics', i, ...(present ? [present] : [])],
        message: `a metric of type ${type} needs \`${key}:\`${present ? `, not \`${present}:\`` : ''}`,
        hint: present
          ? `set type: ${TYPE_OF[present]}, or write ${SOURCE_EXAMPLE[type]}`
          : `e.g. ${SOURCE_EXAMPLE[type]}`,
      });
      return;
    }
    for (const other of Object.values(SOURCE_KEY))
      if (other !== key && metric[other] !== undefined)
        findings.push({
          path: ['spec', 'metrics', i, other],
          message: `\`${other}:\` does not belong to a metric of type ${type}`,
          hint: `use \`${key}:\`, or set type to ${TYPE_OF[other]}`,
        });
    if (isRecord(source) && isRecord(source.target))
      findings.push(...targetFindings(type, source.target, ['spec', 'metrics', i, key, 'target']));
  });
  return findings;
}

const SOURCE_KEY = { Resource: 'resource', Pods: 'pods', Object: 'object', External: 'external' } as const;
const TYPE_OF = { resource: 'Resource', pods: 'Pods', object: 'Object', external: 'External' } as const;
const SOURCE_EXAMPLE = {
  Resource: 'resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }',
  Pods: 'pods: { metric: { name: requests_per_second }, target: { type: AverageValue, averageValue: "100" } }',
  Object:
    'object: { describedObject: { apiVersion: networking.k8s.io/v1, kind: Ingress, name: main }, metric: { name: requests_per_second }, target: { type: Value, value: 2k } }',
  External:
    'external: { metric: { name: queue_messages_ready }, target: { type: AverageValue, averageValue: "30" } }',
} as const;

const ALLOWED_TARGETS: Record<keyof typeof SOURCE_KEY, string[]> = {
  Resource: ['Utilization', 'AverageValue'],
  Pods: ['AverageValue'],
  Object: ['Value', 'AverageValue'],
  External: ['Value', 'AverageValue'],
};

const TARGET_FIELD = {
  Utilization: 'averageUtilization',
  AverageValue: 'averageValue',
  Value: 'value',
} as const;

function targetFindings(
  metricType: keyof typeof SOURCE_KEY,
  target: Record<string, unknown>,
  path: PathSegment[],
): Finding[] {
  const allowed = ALLOWED_TARGETS[metricType];
  // An unknown type is the schema's to report.
  if (typeof target.type !== 'string' || !(target.type in TARGET_FIELD)) return [];
  const type = target.type as keyof typeof TARGET_FIELD;
  if (!allowed.includes(type))
    return [
      {
        path: [...path, 'type'],
        message: `${/^[AEIOU]/.test(metricType) ? 'an' : 'a'} ${metricType} metric's target must be ${allowed.join(' or ')}, got ${type}`,
      },
    ];
  const field = TARGET_FIELD[type];
  if (target[field] === undefined)
    return [
      {
        path,
        message: `a target of type ${type} needs \`${field}\``,
        hint:
          field === 'averageUtilization' ? 'averageUtilization: 70 (percent of requests)' : `${field}: "100"`,
      },
    ];
  return Object.values(TARGET_FIELD)
    .filter((other) => other !== field && target[other] !== undefined)
    .map((other) => ({
      path: [...path, other],
      message: `\`${other}\` does not apply to a target of type ${type}`,
      hint: `remove it, or set type to ${Object.entries(TARGET_FIELD).find(([, f]) => f === other)![0]}`,
    }));
}

function toTarget(target: z.output<typeof Target>): MetricTarget {
  if (target.type === 'Utilization')
    return { type: 'Utilization', averageUtilization: target.averageUtilization! };
  if (target.type === 'AverageValue') return { type: 'AverageValue', averageValue: target.averageValue! };
  return { type: 'Value', value: target.value! };
}

function toMetric(metric: z.output<typeof MetricEntry>): MetricSpec {
  switch (metric.type) {
    case 'Resource':
      return { type: 'Resource', resource: metric.resource!.name, target: toTarget(metric.resource!.target) };
    case 'Pods':
      return {
        type: 'Pods',
        metric: metric.pods!.metric.name,
        target: { type: 'AverageValue', averageValue: metric.pods!.target.averageValue! },
      };
    case 'Object': {
      const object = metric.object!;
      return {
        type: 'Object',
        metric: object.metric.name,
        object: `${object.describedObject.kind}/${object.describedObject.name}`,
        target: toTarget(object.target),
      };
    }
    case 'External':
      return {
        type: 'External',
        metric: metric.external!.metric.name,
        target: toTarget(metric.external!.target),
      };
  }
}

/** The API server's default when an HPA lists no metrics: 80 % CPU. */
const DEFAULT_METRIC: MetricSpec = {
  type: 'Resource',
  resource: 'cpu',
  target: { type: 'Utilization', averageUtilization: 80 },
};

function toInput(input: InputData): ExplainInput {
  const now = INPUT_NOW;
  const ago = (seconds: number) => now - seconds * 1000;
  const { spec, observed } = input;
  const metrics = spec.metrics && spec.metrics.length > 0 ? spec.metrics.map(toMetric) : [DEFAULT_METRIC];
  const hpa: HpaSpec = {
    ...(input.metadata?.name ? { name: input.metadata.name } : {}),
    ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
    maxReplicas: spec.maxReplicas,
    metrics,
    ...(spec.behavior ? { behavior: spec.behavior } : {}),
  };
  const pods: PodState[] = [];
  for (const entry of observed.pods ?? [])
    for (let copy = 0; copy < (entry.count ?? 1); copy++) {
      const name = entry.name
        ? entry.count && entry.count > 1
          ? `${entry.name}-${copy + 1}`
          : entry.name
        : `pod-${pods.length + 1}`;
      const resources: PodState['resources'] = {};
      for (const resource of ['cpu', 'memory'] as const) {
        const given = entry[resource];
        if (!given) continue;
        resources[resource] = {
          ...(given.request !== undefined ? { request: given.request } : {}),
          ...(given.usage !== undefined ? { usage: given.usage } : {}),
          ...(given.sampledSecondsAgo !== undefined ? { sampledAt: ago(given.sampledSecondsAgo) } : {}),
          ...(given.windowSeconds !== undefined ? { windowSeconds: given.windowSeconds } : {}),
        };
      }
      pods.push({
        name,
        ...(entry.phase ? { phase: entry.phase } : {}),
        ...(entry.ready !== undefined ? { ready: entry.ready } : {}),
        ...(entry.deleting ? { deleting: true } : {}),
        ...(entry.startedSecondsAgo !== undefined ? { startedAt: ago(entry.startedSecondsAgo) } : {}),
        ...(entry.readyChangedSecondsAgo !== undefined
          ? { readyChangedAt: ago(entry.readyChangedSecondsAgo) }
          : {}),
        resources,
        ...(entry.metrics ? { metrics: entry.metrics } : {}),
      });
    }
  const external = Object.fromEntries(
    Object.entries(observed.external ?? {}).map(([name, value]) => [
      name,
      Array.isArray(value) ? value : [value],
    ]),
  );
  const oldestFirst = <T extends { ageSeconds: number }>(list: T[] | undefined) =>
    [...(list ?? [])].sort((a, b) => b.ageSeconds - a.ageSeconds);
  const events = oldestFirst(observed.scaleEvents);
  const target = spec.scaleTargetRef ? `${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}` : undefined;
  return {
    name: input.metadata?.name ?? '(unnamed)',
    ...(target ? { target } : {}),
    spec: hpa,
    observed: {
      currentReplicas: observed.replicas,
      ...(observed.statusReplicas !== undefined ? { statusReplicas: observed.statusReplicas } : {}),
      pods,
      ...(observed.objects ? { objectMetrics: observed.objects } : {}),
      ...(observed.external ? { externalMetrics: external } : {}),
    },
    history: {
      recommendations: oldestFirst(observed.recommendations).map((r) => ({
        replicas: r.replicas,
        at: ago(r.ageSeconds),
      })),
      scaleUpEvents: events
        .filter((e) => e.change > 0)
        .map((e) => ({ change: e.change, at: ago(e.ageSeconds) })),
      scaleDownEvents: events
        .filter((e) => e.change < 0)
        .map((e) => ({ change: -e.change, at: ago(e.ageSeconds) })),
    },
    now,
    config: { ...DEFAULT_CONTROLLER, ...input.controller },
  };
}
