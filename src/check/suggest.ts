// "Did you mean" suggestions: the candidate nearest to a misspelled name by
// Levenshtein distance (code points), within a small edit budget. Ties go
// to the earliest candidate, so callers order candidates by preference.

import { editDistance } from "../diagnostics/suggest.ts";

export { editDistance };

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
