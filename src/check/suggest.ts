// "Did you mean" suggestions: the candidate nearest to a misspelled name by
// Levenshtein distance (code points), within a small edit budget. Ties go
// to the earliest candidate, so callers order candidates by preference.

/** Levenshtein edit distance between `a` and `b`, counted in code points. */
export function editDistance(a: string, b: string): number {
  const xs = [...a];
  const ys = [...b];
  let prev = Array.from({ length: ys.length + 1 }, (_, j) => j);
  for (const [i, x] of xs.entries()) {
    const curr = [i + 1];
    for (const [j, y] of ys.entries()) {
      curr.push(Math.min(prev[j + 1]! + 1, curr[j]! + 1, prev[j]! + (x === y ? 0 : 1)));
    }
    prev = curr;
  }
  return prev[ys.length]!;
}

/** The candidate closest to `name` within `maxDistance` edits (never `name` itself), or null. */
export function closestMatch(name: string, candidates: Iterable<string>, maxDistance: number): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) > maxDistance) continue;
    const d = editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= maxDistance && best !== name ? best : null;
}
