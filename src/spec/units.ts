/**
 * Units used in gantry.yaml, parsed and normalised in one place:
 * durations → milliseconds, CPU → millicores, memory/storage → bytes.
 * Each unit has a pattern (used by the schema, so editors check it too) and a parser.
 * The parsers return undefined for text the pattern rejects; they never throw.
 */

/** `500ms`, `30s`, `5m`, `1h`, or compound Go-style `1m30s`. */
export const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const MS_PER: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) total += Number(amount) * MS_PER[unit!]!;
  return Math.round(total);
}

/** Kubernetes CPU: cores as a decimal (`0.5`, `2`) or millicores (`250m`). */
export const CPU_PATTERN = /^(\d+(\.\d+)?|\.\d+|\d+m)$/;

/** Returns millicores, rounded up to 1m as Kubernetes does; 0 only for an explicit zero. */
export function parseCpu(value: string | number): number | undefined {
  // A number is read as it is: String(1e21) is "1e+21", which the pattern rejects.
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.ceil(value * 1000 - 1e-9) : undefined;
  const text = value;
  if (!CPU_PATTERN.test(text)) return undefined;
  if (text.endsWith('m')) return Number(text.slice(0, -1));
  return Math.ceil(Number(text) * 1000 - 1e-9);
}

/**
 * Kubernetes memory quantity: bytes, or with a decimal (k, M, G, T, P, E) or binary
 * (Ki, Mi, Gi, Ti, Pi, Ei) suffix. A lower-case `m` means milli in Kubernetes, which for
 * memory is almost always a typo for `Mi`; the schema rejects it with that hint.
 */
export const MEMORY_PATTERN = /^(\d+(\.\d+)?|\.\d+)(k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const BYTES_PER: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function parseMemory(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.ceil(value) : undefined;
  const match = MEMORY_PATTERN.exec(String(value));
  if (!match) return undefined;
  const [, amount, , suffix = ''] = match;
  return Math.ceil(Number(amount) * BYTES_PER[suffix]!);
}

/** Formats millicores the way Kubernetes prints them: whole cores as `2`, else `250m`. */
export function formatCpu(millicores: number): string {
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

/** Formats bytes with the largest binary suffix that divides them exactly (`512Mi`, `1Gi`). */
export function formatMemory(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const size = BYTES_PER[suffix]!;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

/** Formats milliseconds as the shortest exact duration text (`1m30s`, `500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let text = '';
  for (const unit of ['h', 'm', 's', 'ms']) {
    const size = MS_PER[unit]!;
    if (rest >= size) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return text;
}

/** An integer count or a percentage (`25%`), as Kubernetes' IntOrString for maxSurge etc. */
export const PERCENT_PATTERN = /^\d+%$/;

export type IntOrPercent = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

export function parseIntOrPercent(value: string | number): IntOrPercent | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 ? { kind: 'count', value } : undefined;
  if (!PERCENT_PATTERN.test(value)) return undefined;
  return { kind: 'percent', value: Number(value.slice(0, -1)) };
}
