/**
 * Kubernetes resource quantities as the HPA controller reads them: every request, usage and
 * metric value is taken as its *milli-value* (`Quantity.MilliValue()`, an int64), so `250m` CPU
 * is 250, `1` is 1000, `1Ki` of memory is 1 024 000 and `1.5k` requests/s is 1 500 000.
 * MilliValue rounds up to a whole milli-unit, as Kubernetes does (`0.0001` → 1).
 *
 * Milli-values are bigints: memory in milli-bytes passes 2^53 (≈ 9 TB) quickly enough once
 * summed over pods and multiplied by 100, and the controller's arithmetic there is int64.
 */

/** The quantity grammar: a signed decimal, then a binary suffix, a decimal suffix or an exponent. */
export const QUANTITY_PATTERN =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

const DECIMAL_EXPONENT: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_EXPONENT: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** The milli-value of a quantity (`"250m"`, `"1.5"`, `"512Mi"`, `2`), or undefined if it is not one. */
export function parseMilli(value: string | number): bigint | undefined {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  if (text === undefined) return undefined;
  const match = QUANTITY_PATTERN.exec(text);
  if (!match) return undefined;
  const [, number, suffix = ''] = match;
  const negative = number!.startsWith('-');
  const [whole = '', fraction = ''] = number!.replace(/^[+-]/, '').split('.');
  let digits = BigInt(`${whole}${fraction}` || '0');
  let exponent10 = -fraction.length + 3; // × 1000: milli
  let exponent2 = 0;
  if (suffix in BINARY_EXPONENT) exponent2 = BINARY_EXPONENT[suffix]!;
  else if (suffix in DECIMAL_EXPONENT) exponent10 += DECIMAL_EXPONENT[suffix]!;
  else exponent10 += Number(suffix.slice(1));
  digits *= 2n ** BigInt(exponent2);
  let milli: bigint;
  if (exponent10 >= 0) milli = digits * 10n ** BigInt(exponent10);
  else {
    const divisor = 10n ** BigInt(-exponent10);
    // Round away from zero for positive values (MilliValue rounds up); toward +∞ for negative ones.
    milli = digits / divisor + (digits % divisor === 0n || negative ? 0n : 1n);
  }
  return negative ? -milli : milli;
}

function numberText(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  // Plain decimal text, never 1e21 notation that the grammar would read as an exponent quantity.
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

/** A milli-value as Kubernetes prints a plain quantity: `250m`, `2`, `1500m`. */
export function formatMilli(milli: bigint): string {
  return milli % 1000n === 0n ? String(milli / 1000n) : `${milli}m`;
}

/** Memory: whole bytes with the largest binary suffix that divides them exactly (`256Mi`). */
export function formatBytesMilli(milli: bigint): string {
  if (milli % 1000n !== 0n) return formatMilli(milli);
  const bytes = milli / 1000n;
  for (const [suffix, power] of [
    ['Gi', 30n],
    ['Mi', 20n],
    ['Ki', 10n],
  ] as const) {
    const size = 2n ** power;
    if (bytes >= size && bytes % size === 0n) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

/** How a value of this resource or metric reads: memory as bytes, anything else as a quantity. */
export function formatValue(milli: bigint, resource?: string): string {
  return resource === 'memory' || resource === 'ephemeral-storage'
    ? formatBytesMilli(milli)
    : formatMilli(milli);
}
