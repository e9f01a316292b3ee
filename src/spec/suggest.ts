/**
 * "Did you mean …?" for misspelt keys and names.
 * Distance is optimal string alignment (Levenshtein plus adjacent transpositions), so
 * `readniess` is one edit from `readiness`. A suggestion must be within a third of the
 * word's length (at least 1, at most 3 edits), which keeps `cpu` from suggesting `app`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** "did you mean `x`?" when a close name exists, else the list of allowed names. */
export function suggestion(word: string, candidates: readonly string[], noun = 'allowed'): string {
  const near = closest(word, candidates);
  if (near) return `did you mean \`${near}\`?`;
  return candidates.length > 0 ? `${noun}: ${candidates.join(', ')}` : '';
}
