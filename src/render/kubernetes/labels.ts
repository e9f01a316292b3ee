/**
 * The recommended labels (app.kubernetes.io/*) every rendered object carries, and the
 * smaller selector labels a workload and its Service match on (selectors must never
 * change across releases, so they leave out the version).
 */
import type { RenderContext } from './types.ts';

export function selectorLabels(ctx: RenderContext, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/instance': `${ctx.model.app}-${component}`,
  };
}

export function labels(ctx: RenderContext, component: string, version: string): Record<string, string> {
  return {
    ...selectorLabels(ctx, component),
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': ctx.model.app,
    'app.kubernetes.io/managed-by': 'gantry',
  };
}

/** Label values are at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '') || 'unknown';
}

/** The version a service renders with: its image tag (digest-pinned images: `sha256-<12 hex>`). */
export function imageVersion(image: string | undefined): string {
  if (!image) return 'unknown';
  const digest = /@sha256:([a-f0-9]{12})/.exec(image);
  if (digest) return `sha256-${digest[1]}`;
  return labelValue(/:([^/:@]+)$/.exec(image)?.[1] ?? 'latest');
}
