// "Did you mean" suggestions: edit distance between names, and the runtime's
// pick of the nearest known name for an undefined variable or builtin.

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

/**
 * The known name nearest to a misspelled `name`, as the reference runtime
 * picks it: the edit budget grows with the name's length (1 up to 2 chars,
 * 2 up to 5, else 3); internal `__` names are never offered; ties go to the
 * closer length, then alphabetical order.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | null {
  const budget = name.length <= 2 ? 1 : name.length <= 5 ? 2 : 3;
  let best: string | null = null;
  let bestKey: [number, number] = [Number.POSITIVE_INFINITY, 0];
  for (const c of candidates) {
    if (c === name || c.startsWith("__") || Math.abs(c.length - name.length) > budget) continue;
    const d = editDistance(name, c);
    if (d > budget) continue;
    const lengthGap = Math.abs(c.length - name.length);
    const better =
      d < bestKey[0] ||
      (d === bestKey[0] && (lengthGap < bestKey[1] || (lengthGap === bestKey[1] && c < best!)));
    if (better) {
      best = c;
      bestKey = [d, lengthGap];
    }
  }
  return best;
}
