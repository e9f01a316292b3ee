/**
 * A decision told to a person (text) or to a program (JSON): each metric's current value
 * against its target and its proposal, the window and policy that shaped the count, the final
 * count and its reason. Pure: returns strings and plain objects; the CLI prints them.
 */
import type { EffectiveBehavior, RateLimit, Stabilization } from './behavior.ts';
import type { Decision } from './hpa.ts';
import type { History, MetricTarget } from './hpa-data.ts';
import type { LegacyStabilization } from './legacy.ts';
import type { MetricProposal, MetricResult } from './metrics.ts';
import { formatValue } from './quantity.ts';

export interface Subject {
  name: string;
  target?: string;
  now: number;
  /** The history the decision started from (to tell a first sync apart). */
  history: History;
}

const number = (n: number) => (Number.isFinite(n) ? String(Number(n.toFixed(4))) : String(n));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (s: number) => `${s}s`;

function resourceOf(result: MetricResult): string | undefined {
  return result.spec.type === 'Resource' ? result.spec.resource : undefined;
}

function targetText(target: MetricTarget, resource?: string): string {
  if (target.type === 'Utilization') return `${target.averageUtilization}%`;
  if (target.type === 'AverageValue') return `${formatValue(target.averageValue, resource)} per pod`;
  return formatValue(target.value, resource);
}

function currentText(result: MetricProposal): string {
  const resource = resourceOf(result);
  const { current } = result;
  if (current.averageUtilization !== undefined) return `${current.averageUtilization}% of requests`;
  if (current.value !== undefined) return formatValue(current.value, resource);
  return `${formatValue(current.averageValue ?? 0n, resource)} per pod`;
}

function metricLines(result: MetricResult, currentReplicas: number): string[] {
  const head = `  ${result.name}`;
  if (!result.ok) return [`${head}: ${result.reason}: ${result.message}`];
  const target = result.spec.target;
  const lines = [
    `${head}: ${currentText(result)}, target ${targetText(target, resourceOf(result))} → ratio ${number(result.ratio)}`,
  ];
  const pods = result.pods;
  if (pods) {
    const parts = [`${pods.ready} ready with a sample`];
    if (pods.unready > 0) parts.push(`${pods.unready} unready`);
    if (pods.missing > 0) parts.push(`${pods.missing} without a sample`);
    if (pods.ignored > 0) parts.push(`${pods.ignored} ignored (failed or terminating)`);
    lines.push(`    pods: ${parts.join(', ')}`);
  }
  const stays = `stays at ${currentReplicas}`;
  const r = result.recompute;
  const recomputed = r
    ? [
        (r.missingAs === 'zero' || r.missingAs === 'request' || r.missingAs === 'target') && pods?.missing
          ? `${plural(pods.missing, 'pod')} without a sample counted ${MISSING_AS[r.missingAs]}`
          : '',
        r.unreadyAsZero && pods?.unready ? `${plural(pods.unready, 'unready pod')} counted as 0` : '',
      ]
        .filter(Boolean)
        .join(', ')
    : '';
  const counted = r
    ? `${recomputed || 'recomputed'}: ratio ${number(r.ratio)} over ${plural(r.podsCounted, 'pod')}`
    : '';
  const podCount = pods ? pods.ready : undefined;
  switch (result.outcome) {
    case 'within-tolerance':
      lines.push(`    within the tolerance → ${stays}`);
      break;
    case 'scaled':
      lines.push(`    proposes ${scaledFormula(result, podCount)} = ${result.proposal}`);
      break;
    case 'recomputed':
      lines.push(
        `    ${counted} → proposes ceil(${number(r!.ratio)} × ${r!.podsCounted}) = ${result.proposal}`,
      );
      break;
    case 'recomputed-within-tolerance':
      lines.push(`    ${counted}, within the tolerance → ${stays}`);
      break;
    case 'direction-flip':
      lines.push(`    ${counted}, which points the other way → ${stays}`);
      break;
    case 'count-flip':
      lines.push(`    ${counted}, whose count would move the other way → ${stays}`);
      break;
  }
  return lines;
}

function scaledFormula(result: MetricProposal, podCount: number | undefined): string {
  const count = podCount ?? result.readyPods;
  const target = result.spec.target;
  if (result.total !== undefined && target.type === 'AverageValue')
    return `ceil(${formatValue(result.total)} / ${formatValue(target.averageValue)})`;
  if (count === undefined) return `ceil(${number(result.ratio)})`;
  return `ceil(${number(result.ratio)} × ${count}${podCount === undefined ? ' ready pods' : ''})`;
}

const MISSING_AS = {
  zero: 'as 0 (scaling up)',
  request: 'at 100% of their request, or the target if higher (scaling down)',
  target: 'at the target (scaling down)',
  'left-out': '',
  none: '',
} as const;

function stabilizationLines(decision: Decision, subject: Subject): string[] {
  const s = decision.stabilization;
  if (!s) return [];
  const lines: string[] = [];
  if (subject.history.recommendations.length === 0)
    lines.push(
      `  no earlier recommendations given: as on the controller's first sync, the current count (${decision.currentReplicas}) counts as one made now`,
    );
  if ('windowSeconds' in s) {
    const legacy = s as LegacyStabilization;
    lines.unshift(
      `Stabilization (no behavior: the controller's ${seconds(legacy.windowSeconds)} scale-down window)`,
    );
    lines.push(
      `  highest recommendation within ${seconds(legacy.windowSeconds)}, this one included: ${legacy.stabilized}`,
      `  ${legacy.recommendation} → ${legacy.stabilized} (${legacy.reason})`,
    );
    return lines;
  }
  const b = s as Stabilization;
  lines.unshift(
    `Stabilization (scale-up window ${seconds(b.upWindowSeconds)}, scale-down window ${seconds(b.downWindowSeconds)})`,
  );
  lines.push(
    `  lowest recommendation within ${seconds(b.upWindowSeconds)}: ${b.upRecommendation}; highest within ${seconds(b.downWindowSeconds)}: ${b.downRecommendation}`,
    `  ${b.recommendation} → ${b.stabilized} (${b.reason})`,
  );
  return lines;
}

function policyText(rate: RateLimit, p: RateLimit['policies'][number]): string {
  const sign = rate.direction === 'up' ? '+' : '−';
  const within =
    p.added || p.removed ? ` (${p.periodStart} = current − ${p.added} added + ${p.removed} removed)` : '';
  const formula =
    p.policy.type === 'Pods'
      ? `${p.periodStart} ${sign} ${p.policy.value}`
      : rate.direction === 'up'
        ? `ceil(${p.periodStart} × ${number(1 + p.policy.value / 100)})`
        : `trunc(${p.periodStart} × ${number(1 - p.policy.value / 100)})`;
  const unit = p.policy.type === 'Pods' ? '' : '%';
  return `  ${p.policy.type}: ${sign}${p.policy.value}${unit} per ${seconds(p.policy.periodSeconds)}: start ${p.periodStart}${within} → ${formula} = ${p.proposed}`;
}

function limitLines(decision: Decision): string[] {
  const limit = decision.limit;
  if (!limit) return [];
  const lines: string[] = [];
  if (limit.rate) {
    const rate = limit.rate;
    lines.push(
      `Scale-${rate.direction} policies (selectPolicy ${rate.selectPolicy}${rate.selectPolicy === 'Disabled' ? ': no scaling this way' : ''})`,
    );
    for (const p of rate.policies) lines.push(policyText(rate, p));
    lines.push(
      `  allowed: ${rate.direction === 'up' ? 'at most' : 'at least'} ${rate.limit}; replicas ${decision.minReplicas}–${decision.maxReplicas}`,
    );
  } else if (
    limit.scaleUpLimit !== undefined &&
    decision.stabilization &&
    decision.stabilization.stabilized > decision.currentReplicas
  ) {
    lines.push(
      'Scale-up cap (no behavior)',
      `  max(2 × ${decision.currentReplicas}, 4) = ${limit.scaleUpLimit}; replicas ${decision.minReplicas}–${decision.maxReplicas}`,
    );
  }
  return lines;
}

/** The decision as a person reads it. */
export function explainText(decision: Decision, subject: Subject): string {
  const target = subject.target ? ` → ${subject.target}` : '';
  const change =
    decision.desiredReplicas === decision.currentReplicas
      ? `stays at ${decision.currentReplicas} replicas`
      : `${decision.currentReplicas} → ${decision.desiredReplicas} replicas`;
  const lines = [
    `HorizontalPodAutoscaler ${subject.name}${target}: ${change} (min ${decision.minReplicas}, max ${decision.maxReplicas})`,
    '',
  ];
  if (decision.metrics.length > 0) {
    const t = decision.tolerances;
    const band = t.up === t.down ? `tolerance ${t.up}` : `tolerance ${t.down} down, ${t.up} up`;
    lines.push(`Metrics (${band}: no change while ${number(1 - t.down)} ≤ ratio ≤ ${number(1 + t.up)})`);
    for (const result of decision.metrics) lines.push(...metricLines(result, decision.currentReplicas));
    if (decision.recommendation)
      lines.push(
        `  recommendation: ${decision.recommendation.replicas} (the highest, from ${decision.recommendation.metric})`,
      );
    lines.push('');
  }
  const shaping = [...stabilizationLines(decision, subject), ...limitLines(decision)];
  if (shaping.length > 0) lines.push(...shaping, '');
  lines.push(`Decision: ${decision.desiredReplicas} replicas — ${decision.reason}: ${decision.message}`);
  if (decision.rescaleReason)
    lines.push(
      `  event: SuccessfulRescale New size: ${decision.desiredReplicas}; reason: ${decision.rescaleReason}`,
    );
  return `${lines.join('\n')}\n`;
}

const ageOf = (now: number, at: number) => (now - at) / 1000;

function targetJson(target: MetricTarget, resource?: string) {
  if (target.type === 'Utilization') return target;
  if (target.type === 'AverageValue')
    return { type: target.type, averageValue: formatValue(target.averageValue, resource) };
  return { type: target.type, value: formatValue(target.value, resource) };
}

function metricJson(result: MetricResult) {
  const resource = resourceOf(result);
  const base = {
    type: result.spec.type,
    name: result.name,
    label: result.label,
    target: targetJson(result.spec.target, resource),
  };
  if (!result.ok) return { ...base, error: { reason: result.reason, message: result.message } };
  const current = result.current;
  return {
    ...base,
    current: {
      ...(current.averageUtilization !== undefined ? { averageUtilization: current.averageUtilization } : {}),
      ...(current.averageValue !== undefined
        ? { averageValue: formatValue(current.averageValue, resource) }
        : {}),
      ...(current.value !== undefined ? { value: formatValue(current.value, resource) } : {}),
    },
    ratio: result.ratio,
    proposal: result.proposal,
    outcome: result.outcome,
    ...(result.pods ? { pods: result.pods } : {}),
    ...(result.recompute ? { recompute: result.recompute } : {}),
  };
}

function behaviorJson(behavior: EffectiveBehavior | undefined) {
  return behavior ?? null;
}

/** The decision for programs: { desiredReplicas, reason, metrics: [...] } and the rest of the story. */
export function explainJson(decision: Decision, subject: Subject) {
  const s = decision.stabilization;
  const { recommendations: _, ...stabilization } = s ?? { recommendations: [] };
  const history = decision.history;
  return {
    hpa: subject.name,
    ...(subject.target ? { scaleTargetRef: subject.target } : {}),
    currentReplicas: decision.currentReplicas,
    desiredReplicas: decision.desiredReplicas,
    rescale: decision.rescale,
    reason: decision.reason,
    message: decision.message,
    ...(decision.rescaleReason
      ? { event: `New size: ${decision.desiredReplicas}; reason: ${decision.rescaleReason}` }
      : {}),
    minReplicas: decision.minReplicas,
    maxReplicas: decision.maxReplicas,
    tolerance: decision.tolerances,
    metrics: decision.metrics.map(metricJson),
    ...(decision.recommendation ? { recommendation: decision.recommendation } : {}),
    behavior: behaviorJson(decision.behavior),
    ...(s ? { stabilization } : {}),
    ...(decision.limit
      ? {
          limit: {
            reason: decision.limit.reason,
            message: decision.limit.message,
            ...(decision.limit.rate ? { policies: decision.limit.rate } : {}),
            ...(decision.limit.scaleUpLimit !== undefined
              ? { scaleUpLimit: decision.limit.scaleUpLimit }
              : {}),
          },
        }
      : {}),
    conditions: decision.conditions,
    next: {
      recommendations: history.recommendations.map((r) => ({
        replicas: r.replicas,
        ageSeconds: ageOf(subject.now, r.at),
      })),
      scaleEvents: [
        ...history.scaleUpEvents.map((e) => ({ change: e.change, ageSeconds: ageOf(subject.now, e.at) })),
        ...history.scaleDownEvents.map((e) => ({ change: -e.change, ageSeconds: ageOf(subject.now, e.at) })),
      ],
    },
  };
}
